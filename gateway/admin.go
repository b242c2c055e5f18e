package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
)

type createKeyRequest struct {
	Name   string   `json:"name"`
	Role   string   `json:"role"`
	Models []string `json:"models"`
	RPM    int64    `json:"rpm"`
	TPM    int64    `json:"tpm"`
}

func decodeStrict(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("", "the request body is not valid JSON for this route")
	}
	return nil
}

func (s *Server) createKey(c *fiber.Ctx) error {
	var req createKeyRequest
	if err := decodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if req.Name == "" || len(req.Name) > 100 {
		return badRequest("name", "\"name\" is required (at most 100 characters)")
	}
	if req.Role == "" {
		req.Role = apikey.RoleApp
	}
	if !apikey.ValidRole(req.Role) {
		return badRequest("role", "\"role\" must be app, owner, auditor or admin")
	}
	if len(req.Models) == 0 {
		return badRequest("models", "\"models\" must list the model names the key may use, or [\"*\"]")
	}
	for _, m := range req.Models {
		if _, ok := s.models[m]; !ok && m != "*" {
			return badRequest("models", "unknown model %q", m)
		}
	}
	if req.RPM < 0 || req.TPM < 0 {
		return badRequest("rpm", "rate limits cannot be negative")
	}
	k, secret, err := s.store.CreateKey(c.UserContext(), apikey.Key{Name: req.Name, Role: req.Role, Models: req.Models, RPM: req.RPM, TPM: req.TPM})
	if err != nil {
		return err
	}
	s.log.Info("api key created", "key_id", k.ID, "name", k.Name, "role", k.Role)
	return c.Status(http.StatusCreated).JSON(fiber.Map{"key": k, "api_key": secret, "note": "the api_key is shown only now; imogate stores only its hash"})
}

func (s *Server) listKeys(c *fiber.Ctx) error {
	keys, err := s.store.ListKeys(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"object": "list", "data": keys})
}

func (s *Server) revokeKey(c *fiber.Ctx) error {
	if err := s.store.RevokeKey(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	s.keys.clear() // effective at once here; other gateways forget it within the cache TTL
	s.log.Info("api key revoked", "key_id", c.Params("id"))
	return c.JSON(fiber.Map{"id": c.Params("id"), "revoked": true})
}

type creditRequest struct {
	Model     string `json:"model"`
	AmountWei string `json:"amount_wei"`
}

func (s *Server) credit(c *fiber.Ctx) error {
	var req creditRequest
	if err := decodeStrict(c.Body(), &req); err != nil {
		return err
	}
	m, ok := s.models[req.Model]
	if !ok {
		return badRequest("model", "unknown model %q", req.Model)
	}
	amt, err := strconv.ParseInt(req.AmountWei, 10, 64)
	if err != nil || amt == 0 {
		return badRequest("amount_wei", "\"amount_wei\" must be a non-zero decimal integer string of wei within ±9223372036854775807")
	}
	bal, err := s.store.Credit(c.UserContext(), m.Token, c.Params("account"), amt)
	if err != nil {
		return err
	}
	s.log.Info("account credited", "account", c.Params("account"), "model", m.Name, "amount_wei", req.AmountWei, "balance_wei", bal)
	return c.JSON(fiber.Map{"account": c.Params("account"), "model": m.Name, "balance_wei": strconv.FormatInt(bal, 10)})
}

func (s *Server) balance(c *fiber.Ctx) error {
	m, ok := s.models[c.Query("model")]
	if !ok {
		return badRequest("model", "query parameter model must name a served model")
	}
	bal, err := s.store.Balance(c.UserContext(), m.Token, c.Params("account"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"account": c.Params("account"), "model": m.Name, "balance_wei": strconv.FormatInt(bal, 10)})
}
