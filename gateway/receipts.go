package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
)

// modelObject is OpenAI's model object, with imogate's additions.
type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
	Imogate struct {
		Token               string `json:"token"`
		Demo                bool   `json:"demo"`
		MaxTokens           int    `json:"max_tokens"`
		PricePerRequestWei  string `json:"price_per_request_wei"`
		PricePer1KPromptWei string `json:"price_per_1k_prompt_wei"`
		PricePer1KComplWei  string `json:"price_per_1k_completion_wei"`
		PricePer1KEmbedWei  string `json:"price_per_1k_embedding_wei"`
		SettlementContract  string `json:"settlement_contract"`
		ReceiptSigner       string `json:"receipt_signer"`
		ChainID             string `json:"chain_id"`
		// Prices is the model's published price schedule (DESIGN.md's price
		// versions): every receipt's fee is the version in force at its
		// timestamp applied to its tokens.
		Prices metering.PriceSchedule `json:"prices"`
	} `json:"imogate"`
}

func (s *Server) modelObject(m *Model) modelObject {
	o := modelObject{ID: m.Name, Object: "model", OwnedBy: m.OwnedBy}
	if m.Demo {
		o.OwnedBy = "imogate-demo"
	}
	o.Imogate.Token = m.Token.Hex()
	o.Imogate.Demo = m.Demo
	o.Imogate.MaxTokens = m.MaxTokens
	// The price fields are the version in force now.
	p := m.Price
	if v, err := s.priceAt(m, s.now()); err == nil {
		p = v.Price
	}
	o.Imogate.PricePerRequestWei = weiString(p.PerRequest)
	o.Imogate.PricePer1KPromptWei = weiString(p.Per1KPrompt)
	o.Imogate.PricePer1KComplWei = weiString(p.Per1KCompletion)
	o.Imogate.PricePer1KEmbedWei = weiString(p.Per1KEmbedding)
	o.Imogate.Prices = s.schedule(m)
	if o.Imogate.Prices == nil {
		o.Imogate.Prices = metering.PriceSchedule{}
	}
	d := s.signer.Domain()
	o.Imogate.SettlementContract = d.VerifyingContract.Hex()
	o.Imogate.ReceiptSigner = s.signer.Address().Hex()
	o.Imogate.ChainID = d.ChainID.String()
	return o
}

func (s *Server) listModels(c *fiber.Ctx) error {
	p := principalOf(c)
	data := []modelObject{}
	for _, name := range s.order {
		if p.Allows(name) || p.Role == apikey.RoleAuditor {
			data = append(data, s.modelObject(s.models[name]))
		}
	}
	return c.JSON(fiber.Map{"object": "list", "data": data})
}

func (s *Server) getModel(c *fiber.Ctx) error {
	m, ok := s.models[c.Params("model")]
	if !ok {
		return apiErr(http.StatusNotFound, "invalid_request_error", "model_not_found", "no such model")
	}
	return c.JSON(s.modelObject(m))
}

// getReceipt returns a receipt to the account that paid it, an owner of its
// model, an auditor or an admin.
func (s *Server) getReceipt(c *fiber.Ctx) error {
	b, err := hexutil.Decode(c.Params("id"))
	if err != nil || len(b) != 32 {
		return badRequest("id", "a receipt id is 0x followed by 64 hex digits")
	}
	id := common.BytesToHash(b)
	p := principalOf(c)
	lr, m, err := s.findReceipt(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !canReadReceipt(p, lr, m) {
		// Not 403: do not reveal that someone else's receipt exists.
		return receiptNotFound()
	}
	rc, err := s.signed(c.UserContext(), lr)
	if err != nil {
		return err
	}
	return c.JSON(rc)
}

// canReadReceipt says whether p may read a receipt of model m: the account
// that paid it, an owner of the model, an auditor or an admin. A receipt read
// back from the archive carries no account, only its pseudonymous payer.
func canReadReceipt(p *Principal, lr metering.LoggedReceipt, m *Model) bool {
	switch p.Role {
	case apikey.RoleAuditor, apikey.RoleAdmin:
		return true
	case apikey.RoleOwner:
		return p.Allows(m.Name)
	}
	return lr.Account == p.Account || (lr.Account == "" && lr.Payer == metering.PayerOf(p.Account))
}

// findReceipt looks the id up in each model's log (models are few).
func (s *Server) findReceipt(ctx context.Context, id common.Hash) (metering.LoggedReceipt, *Model, error) {
	for _, m := range s.byToken {
		lr, err := s.store.ReceiptByID(ctx, m.Token, id)
		if errors.Is(err, metering.ErrNotFound) {
			continue
		}
		var arch *metering.ArchivedError
		if errors.As(err, &arch) {
			lr, err := s.ledger.ArchivedReceipt(ctx, m.Token, arch.Seq, id)
			lr.ModelName = m.Name
			return lr, m, err
		}
		if err != nil {
			return lr, nil, err
		}
		if mm, ok := s.models[lr.ModelName]; ok {
			m = mm
		}
		return lr, m, nil
	}
	return metering.LoggedReceipt{}, nil, receiptNotFound()
}

// receiptNotFound is the answer for a receipt that does not exist or that
// the caller may not see: the two are not told apart.
func receiptNotFound() *APIError {
	return apiErr(http.StatusNotFound, "invalid_request_error", "receipt_not_found", "no receipt with this id is visible to you")
}

// signed returns a logged receipt with its signature, signing it again if
// the signature was never stored (signatures are deterministic).
func (s *Server) signed(ctx context.Context, lr metering.LoggedReceipt) (metering.SignedReceipt, error) {
	sig := lr.Signature
	if len(sig) != 65 {
		if lr.Signer != s.signer.Address() {
			return metering.SignedReceipt{}, fmt.Errorf("receipt %d has no stored signature and was issued by signer %s, not the current %s",
				lr.Seq, lr.Signer.Hex(), s.signer.Address().Hex())
		}
		var err error
		if sig, err = s.signer.Sign(&lr.Receipt); err != nil {
			return metering.SignedReceipt{}, err
		}
		_ = s.store.SetSignatures(ctx, []metering.SignatureWrite{{Token: lr.Model, Seq: lr.Seq, Sig: sig}})
	}
	return metering.SignedReceipt{Receipt: lr.Receipt, Signature: sig, Signer: s.signer.Address(), Domain: s.signer.Domain()}, nil
}

// replayReceipt rebuilds the receipt of a replay whose record lacks it (the
// gateway that served the call stopped before it completed the record):
// from the log, or from the archive once the receipt has been settled and
// trimmed from the log.
func (s *Server) replayReceipt(ctx context.Context, m *Model, id common.Hash) ([]byte, error) {
	lr, err := s.store.ReceiptByID(ctx, m.Token, id)
	var arch *metering.ArchivedError
	if errors.As(err, &arch) {
		lr, err = s.ledger.ArchivedReceipt(ctx, m.Token, arch.Seq, id)
		if err != nil {
			return nil, replayArchived(id, arch.Seq, err)
		}
		rc := metering.SignedReceipt{Receipt: lr.Receipt, Signature: lr.Signature, Signer: lr.Signer, Domain: s.signer.Domain()}
		return json.Marshal(rc)
	}
	if err != nil {
		return nil, err
	}
	rc, err := s.signed(ctx, lr)
	if err != nil {
		return nil, err
	}
	return json.Marshal(rc)
}

// replayArchived answers a replay whose receipt has left the log and that
// this gateway cannot read from the archive: the call was charged once,
// under the named receipt, which the client fetches from the archive.
func replayArchived(id common.Hash, seq uint64, err error) *APIError {
	return apiErr(http.StatusConflict, "invalid_request_error", "idempotent_replay_archived",
		"this Idempotency-Key's call was completed and charged once, under receipt %s (seq %d); it has since been settled and archived, and this gateway cannot read the archive (%v): fetch the receipt with GET /v1/receipts/%s or from the settlement archive",
		id.Hex(), seq, err, id.Hex())
}
