package gateway

import (
	"bufio"
	"net/http"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/ledger"
)

// The audit API (/v1/audit/...) lets auditors, token holders and apps check
// settlement with standard tools: the models and contracts, every batch
// record, each batch's OpenZeppelin standard-v1 tree dump and its receipts
// as NDJSON, from the archive once archived and from the Redis log before.
// It is read-only. It needs role auditor or admin unless Config.PublicAudit
// opens it to everyone.

// auditConfig is the audit API's part of Config.
type auditConfig struct {
	public   bool
	operator common.Address // zero: unknown
}

// auditGate authenticates audit callers: with PublicAudit a request
// without credentials goes through (credentials that are sent must still be
// valid); otherwise the caller must be an auditor or an admin.
func (s *Server) auditGate(c *fiber.Ctx) error {
	if c.Get(fiber.HeaderAuthorization) == "" && s.audit.public {
		return c.Next()
	}
	p, err := s.principal(c)
	if err != nil {
		return err
	}
	if !s.audit.public && p.Role != apikey.RoleAuditor && p.Role != apikey.RoleAdmin {
		return apiErr(http.StatusForbidden, "invalid_request_error", "forbidden", "this route needs role auditor or admin")
	}
	return c.Next()
}

// auditModelJSON is one model as auditors see it.
type auditModelJSON struct {
	ID                 string  `json:"id"`
	Token              string  `json:"token"`
	SettlementContract string  `json:"settlement_contract"`
	ChainID            string  `json:"chain_id"`
	ReceiptSigner      string  `json:"receipt_signer"`
	Operator           *string `json:"operator"` // null when not configured
	// Prices is the model's published price schedule.
	Prices metering.PriceSchedule `json:"prices"`
}

// auditModels is GET /v1/audit/models.
func (s *Server) auditModels(c *fiber.Ctx) error {
	d := s.signer.Domain()
	var op *string
	if s.audit.operator != (common.Address{}) {
		v := s.audit.operator.Hex()
		op = &v
	}
	data := make([]auditModelJSON, 0, len(s.order))
	for _, name := range s.order {
		m := s.models[name]
		data = append(data, auditModelJSON{
			ID: name, Token: m.Token.Hex(), SettlementContract: d.VerifyingContract.Hex(), ChainID: d.ChainID.String(),
			ReceiptSigner: s.signer.Address().Hex(), Operator: op, Prices: s.schedule(m),
		})
	}
	return c.JSON(fiber.Map{"object": "list", "data": data})
}

func (s *Server) auditModel(c *fiber.Ctx) (*Model, error) {
	m, ok := s.models[c.Params("model")]
	if !ok {
		return nil, modelNotFound()
	}
	return m, nil
}

// auditBatchOf resolves :model and :id into a batch record.
func (s *Server) auditBatchOf(c *fiber.Ctx) (*Model, settlement.Batch, error) {
	m, err := s.auditModel(c)
	if err != nil {
		return nil, settlement.Batch{}, err
	}
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return nil, settlement.Batch{}, badRequest("id", "a batch id is a decimal integer (0, 1, 2 …)")
	}
	b, err := s.store.Batch(c.UserContext(), m.Token, id)
	return m, b, err
}

// auditBatches is GET /v1/audit/models/:model/batches?cursor=&limit=.
func (s *Server) auditBatches(c *fiber.Ctx) error {
	m, err := s.auditModel(c)
	if err != nil {
		return err
	}
	return s.listBatches(c, m)
}

// auditBatch is GET /v1/audit/models/:model/batches/:id.
func (s *Server) auditBatch(c *fiber.Ctx) error {
	m, b, err := s.auditBatchOf(c)
	if err != nil {
		return err
	}
	return c.JSON(toBatchJSON(m, &b))
}

// auditTree is GET /v1/audit/models/:model/batches/:id/tree: the
// standard-v1 dump, loadable with StandardMerkleTree.load.
func (s *Server) auditTree(c *fiber.Ctx) error {
	_, b, err := s.auditBatchOf(c)
	if err != nil {
		return err
	}
	body, err := s.ledger.OpenTree(c.UserContext(), &b)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	s.streamBody(c, body, "tree", b.ID)
	return nil
}

// auditReceipts is GET /v1/audit/models/:model/batches/:id/receipts: the
// batch's signed receipts as NDJSON, one DESIGN.md receipt object per line,
// in seq order, streamed (from the archive once archived, else from the
// live log), so a batch of a million receipts is never held in memory.
func (s *Server) auditReceipts(c *fiber.Ctx) error {
	_, b, err := s.auditBatchOf(c)
	if err != nil {
		return err
	}
	body, err := s.ledger.OpenReceipts(c.UserContext(), &b)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	s.streamBody(c, body, "receipts", b.ID)
	return nil
}

// streamBody writes body as the response after the handler returns, under
// the server's context (the request's values are gone by then). A body cut
// short is logged; the client sees a truncated response.
func (s *Server) streamBody(c *fiber.Ctx, body ledger.Body, what string, batch uint64) {
	ctx, log := s.baseCtx, s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := body(ctx, w); err != nil {
			log.Warn(what+" stream ended early", "batch", batch, "err", err)
			return
		}
		_ = w.Flush()
	})
}

// receiptProof is GET /v1/receipts/:id/proof: the Merkle proof of a receipt
// in its batch, for the account that paid it, an owner of its model, an
// auditor or an admin.
func (s *Server) receiptProof(c *fiber.Ctx) error {
	raw, err := hexutil.Decode(c.Params("id"))
	if err != nil || len(raw) != 32 {
		return badRequest("id", "a receipt id is 0x followed by 64 hex digits")
	}
	ctx := c.UserContext()
	lr, m, err := s.findReceipt(ctx, common.BytesToHash(raw))
	if err != nil {
		return err
	}
	if !canReadReceipt(principalOf(c), lr, m) {
		return receiptNotFound()
	}
	pf, err := s.ledger.Proof(ctx, &lr.Receipt)
	if err != nil {
		return err
	}
	b := pf.Batch
	hexes := make([]string, len(pf.Hashes))
	for j, h := range pf.Hashes {
		hexes[j] = h.Hex()
	}
	var tx, block *string
	if b.State == settlement.StateSettled {
		t, n := b.TxHash.Hex(), strconv.FormatUint(b.BlockNumber, 10)
		tx, block = &t, &n
	}
	return c.JSON(fiber.Map{
		"object": "receipt.proof", "receipt_id": lr.ID.Hex(), "seq": strconv.FormatUint(lr.Seq, 10),
		"model": m.Name, "token": lr.Model.Hex(), "batch_id": strconv.FormatUint(b.ID, 10), "status": string(b.State),
		"root": b.Root.Hex(), "leaf": pf.Leaf.Hex(), "proof": hexes,
		"settlement_contract": s.signer.Domain().VerifyingContract.Hex(), "settlement_tx": tx, "block_number": block,
	})
}
