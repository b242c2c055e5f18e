package gateway

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/merkle"
)

// The audit API (/v1/audit/...) lets auditors, token holders and apps check
// settlement with standard tools: the models and contracts, every batch
// record, each batch's OpenZeppelin standard-v1 tree dump and its receipts
// as NDJSON, from the archive once archived and from the Redis log before.
// It is read-only. It needs role auditor or admin unless Config.PublicAudit
// opens it to everyone.

// auditConfig is the audit API's part of Config.
type auditConfig struct {
	archive  archive.Store // nil: no archive
	public   bool
	operator common.Address // zero: unknown
}

// auditChunk is how many receipts one Redis read of a stream loads.
const auditChunk = 1000

// auditGate authenticates audit callers: with PublicAudit a request
// without credentials goes through (credentials that are sent must still be
// valid); otherwise the caller must be an auditor or an admin.
func (s *Server) auditGate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" && s.audit.public {
		return c.Next()
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	tok = strings.TrimSpace(tok)
	if !ok || tok == "" {
		return unauthorized("missing credentials: send Authorization: Bearer <API key or JWT>")
	}
	p, err := s.resolve(c.UserContext(), tok)
	if err != nil {
		return err
	}
	c.Locals(principalKey, p)
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
			ReceiptSigner: s.signer.Address().Hex(), Operator: op,
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
	if errors.Is(err, settlement.ErrBatchNotFound) {
		return nil, b, apiErr(http.StatusNotFound, "invalid_request_error", "batch_not_found", "model %s has no batch %d", m.Name, id)
	}
	return m, b, err
}

func batchUnavailable(id uint64) *APIError {
	return apiErr(http.StatusNotFound, "invalid_request_error", "batch_data_unavailable",
		"the receipts of batch %d have left the live log and no archive holds them", id)
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

// archivedFile returns a settled batch's archive file, or ok false when
// there is no archive or it does not hold the file (yet).
func (s *Server) archivedFile(ctx context.Context, b *settlement.Batch, name string) ([]byte, bool, error) {
	if s.audit.archive == nil || b.State != settlement.StateSettled {
		return nil, false, nil
	}
	data, err := s.audit.archive.Get(ctx, archive.BatchPath(b.Token, b.ID, name))
	if errors.Is(err, archive.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// liveTree builds a batch's tree from the Redis log and checks it against
// the recorded root.
func (s *Server) liveTree(ctx context.Context, b *settlement.Batch) (*merkle.ReceiptTree, error) {
	if b.Trimmed || b.Count() == 0 {
		return nil, batchUnavailable(b.ID)
	}
	lrs, err := s.store.Receipts(ctx, b.Token, b.FirstSeq, b.LastSeq)
	if err != nil {
		return nil, err
	}
	if uint64(len(lrs)) != b.Count() {
		return nil, batchUnavailable(b.ID)
	}
	rs := make([]metering.Receipt, len(lrs))
	for i := range lrs {
		rs[i] = lrs[i].Receipt
	}
	tree, err := merkle.FromReceipts(rs)
	if err != nil {
		return nil, fmt.Errorf("build tree of batch %d: %w", b.ID, err)
	}
	if tree.Root() != b.Root {
		return nil, fmt.Errorf("batch %d: live log gives root %s, record says %s", b.ID, tree.Root().Hex(), b.Root.Hex())
	}
	return tree, nil
}

// batchTree loads a batch's tree from the archive, else the live log.
func (s *Server) batchTree(ctx context.Context, b *settlement.Batch) (*merkle.ReceiptTree, error) {
	data, ok, err := s.archivedFile(ctx, b, archive.TreeFile)
	if err != nil {
		return nil, err
	}
	if !ok {
		return s.liveTree(ctx, b)
	}
	tree, err := merkle.LoadReceiptTree(data)
	if err != nil {
		return nil, fmt.Errorf("archived tree of batch %d: %w", b.ID, err)
	}
	if tree.Root() != b.Root {
		return nil, fmt.Errorf("archived tree of batch %d has root %s, record says %s", b.ID, tree.Root().Hex(), b.Root.Hex())
	}
	return tree, nil
}

// auditTree is GET /v1/audit/models/:model/batches/:id/tree: the
// standard-v1 dump, loadable with StandardMerkleTree.load.
func (s *Server) auditTree(c *fiber.Ctx) error {
	_, b, err := s.auditBatchOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	data, ok, err := s.archivedFile(ctx, &b, archive.TreeFile)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if ok {
		return c.Send(data)
	}
	tree, err := s.liveTree(ctx, &b)
	if err != nil {
		return err
	}
	log := s.log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := tree.WriteDump(w); err != nil {
			log.Warn("tree stream ended early", "batch", b.ID, "err", err)
			return
		}
		_ = w.Flush()
	})
	return nil
}

// auditReceipts is GET /v1/audit/models/:model/batches/:id/receipts: the
// batch's signed receipts as NDJSON, one DESIGN.md receipt object per line,
// in seq order. It streams: from the archive file when archived, else from
// the Redis log auditChunk receipts at a time, so a batch of a million
// receipts is never held in memory.
func (s *Server) auditReceipts(c *fiber.Ctx) error {
	_, b, err := s.auditBatchOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	if s.audit.archive != nil && b.State == settlement.StateSettled {
		p := archive.BatchPath(b.Token, b.ID, archive.ReceiptsFile)
		// A local directory archive is streamed from its file; other stores
		// only offer whole objects.
		if d, ok := s.audit.archive.(interface{ Root() string }); ok {
			f, err := os.Open(filepath.Join(d.Root(), filepath.FromSlash(p)))
			if err == nil {
				log := s.log
				c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
					defer f.Close()
					if _, err := io.Copy(w, f); err != nil {
						log.Warn("receipts stream ended early", "batch", b.ID, "err", err)
						return
					}
					_ = w.Flush()
				})
				return nil
			}
			if !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("open archived receipts: %w", err)
			}
		} else if data, ok, err := s.archivedFile(ctx, &b, archive.ReceiptsFile); err != nil {
			return err
		} else if ok {
			return c.Send(data)
		}
	}
	if b.Trimmed || b.Count() == 0 {
		return batchUnavailable(b.ID)
	}
	// The first receipt must still be in the log, or there is nothing to stream.
	if _, err := s.store.ReceiptBySeq(ctx, b.Token, b.FirstSeq); errors.Is(err, metering.ErrNotFound) {
		return batchUnavailable(b.ID)
	} else if err != nil {
		return err
	}
	// The stream runs after the handler returns: it uses the server's
	// context, and only copies of the request's values.
	sctx, log, first, last, token := s.baseCtx, s.log, b.FirstSeq, b.LastSeq, b.Token
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		for from := first; from <= last; from += auditChunk {
			to := min(from+auditChunk-1, last)
			lrs, err := s.store.Receipts(sctx, token, from, to)
			if err != nil {
				log.Warn("receipts stream ended early", "batch", b.ID, "err", err)
				return
			}
			for i := range lrs {
				rc, err := s.signed(sctx, lrs[i])
				var line []byte
				if err == nil {
					line, err = rc.MarshalJSON()
				}
				if err != nil {
					log.Error("receipts stream ended early", "batch", b.ID, "seq", lrs[i].Seq, "err", err)
					return
				}
				_, _ = w.Write(line)
				_ = w.WriteByte('\n')
			}
			if err := w.Flush(); err != nil {
				return // the client went away
			}
			if to == last {
				return
			}
		}
	})
	return nil
}

// batchOfSeq finds the batch whose range holds seq by binary search over
// batch ids (batches are numbered 0, 1, 2 … over contiguous seq ranges).
func (s *Server) batchOfSeq(ctx context.Context, token common.Address, seq uint64) (settlement.Batch, error) {
	notBatched := apiErr(http.StatusConflict, "invalid_request_error", "receipt_not_batched",
		"the receipt is not in a settlement batch yet; retry after the next batch is sealed")
	last, err := s.store.LastBatch(ctx, token)
	if errors.Is(err, settlement.ErrBatchNotFound) {
		return last, notBatched
	}
	if err != nil {
		return last, err
	}
	if seq > last.LastSeq {
		return last, notBatched
	}
	lo, hi := uint64(0), last.ID
	for lo <= hi {
		mid := lo + (hi-lo)/2
		b, err := s.store.Batch(ctx, token, mid)
		if err != nil {
			return b, err
		}
		switch {
		case seq < b.FirstSeq:
			if mid == 0 {
				return b, notBatched
			}
			hi = mid - 1
		case seq > b.LastSeq:
			lo = mid + 1
		default:
			return b, nil
		}
	}
	return settlement.Batch{}, fmt.Errorf("receipt %d: no batch covers it below the last batch %d", seq, last.ID)
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
	p := principalOf(c)
	allowed := canReadReceipt(p, lr, m)
	if !allowed {
		return apiErr(http.StatusNotFound, "invalid_request_error", "receipt_not_found", "no receipt with this id is visible to you")
	}
	b, err := s.batchOfSeq(ctx, lr.Model, lr.Seq)
	if err != nil {
		return err
	}
	tree, err := s.batchTree(ctx, &b)
	if err != nil {
		return err
	}
	i := int(lr.Seq - b.FirstSeq)
	if got, err := tree.Receipt(i); err != nil || got.ID != lr.ID {
		return fmt.Errorf("batch %d: tree value %d is not receipt %s", b.ID, i, lr.ID.Hex())
	}
	proof, err := tree.Proof(i)
	if err != nil {
		return err
	}
	hexes := make([]string, len(proof))
	for j, h := range proof {
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
		"root": b.Root.Hex(), "leaf": lr.Leaf().Hex(), "proof": hexes,
		"settlement_contract": s.signer.Domain().VerifyingContract.Hex(), "settlement_tx": tx, "block_number": block,
	})
}
