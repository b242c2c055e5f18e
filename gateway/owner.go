package gateway

import (
	"context"
	"encoding/base64"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/imogate/imogate/apikey"
	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
)

// The owner API (/v1/owner/...) shows a model's owner its usage, revenue,
// keys and settlement batches. An owner sees only the models listed in its
// principal's Models; any other model is answered 404, so an owner cannot
// even learn which other models exist. Admins see every model.

// Bounds of the owner and audit APIs' parameters.
const (
	maxUsageHours     = 31 * 24 // a usage query covers at most 31 days of hourly buckets
	defaultUsageHours = 24
	defaultPageLimit  = 50
	maxPageLimit      = 500
)

// jwtLimitation is stated in every group=key answer: per-account
// counters exist for JWT subjects too, but there is no list of them to sum.
const jwtLimitation = "usage of JWT-authenticated accounts (jwt_…) is counted in the hour and day buckets but not listed per key: there is no registry of JWT subjects"

func modelNotFound() *APIError {
	return apiErr(http.StatusNotFound, "invalid_request_error", "model_not_found", "no such model is visible to you")
}

// ownedModel resolves the :model parameter for an owner or admin.
func (s *Server) ownedModel(c *fiber.Ctx) (*Model, error) {
	name := c.Params("model")
	m, ok := s.models[name]
	p := principalOf(c)
	if !ok || p == nil || (p.Role != apikey.RoleAdmin && !p.Allows(name)) {
		return nil, modelNotFound()
	}
	return m, nil
}

// usageJSON is one usage bucket. Counts are JSON integers; fees are decimal
// strings of wei.
type usageJSON struct {
	Bucket           string `json:"bucket"`         // RFC 3339 hour start, YYYY-MM-DD, or key id
	Name             string `json:"name,omitempty"` // key name (group=key)
	Calls            int64  `json:"calls"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
	FeesWei          string `json:"fees_wei"`
}

func toUsageJSON(bucket string, u metering.Usage) usageJSON {
	fees := "0"
	if u.Fees != nil {
		fees = u.Fees.String()
	}
	return usageJSON{Bucket: bucket, Calls: u.Calls, PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, FeesWei: fees}
}

func addUsage(dst *metering.Usage, u metering.Usage) {
	dst.Calls += u.Calls
	dst.PromptTokens += u.PromptTokens
	dst.CompletionTokens += u.CompletionTokens
	if u.Fees != nil {
		if dst.Fees == nil {
			dst.Fees = new(big.Int).Set(u.Fees)
		} else {
			dst.Fees.Add(dst.Fees, u.Fees)
		}
	}
}

// usageRange parses from and to (RFC 3339; default: the last 24 hours up
// to now) into the unix hours whose buckets overlap [from, to).
func (s *Server) usageRange(c *fiber.Ctx) (from, to time.Time, first, last int64, err error) {
	parse := func(param string) (time.Time, error) {
		v := c.Query(param)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return time.Time{}, badRequest(param, "%q must be an RFC 3339 time such as 2026-01-02T15:04:05Z", param)
		}
		return t.UTC(), nil
	}
	if from, err = parse("from"); err != nil {
		return
	}
	if to, err = parse("to"); err != nil {
		return
	}
	if to.IsZero() {
		to = s.now().UTC()
	}
	if from.IsZero() {
		from = to.Add(-defaultUsageHours * time.Hour)
	}
	if from.Unix() < 0 {
		return from, to, 0, 0, badRequest("from", "\"from\" must not be before 1970-01-01T00:00:00Z")
	}
	if !from.Before(to) {
		return from, to, 0, 0, badRequest("to", "\"to\" must be after \"from\"")
	}
	if to.Sub(from) > maxUsageHours*time.Hour {
		return from, to, 0, 0, badRequest("to", "a usage query covers at most 31 days (%d hours); narrow from..to", maxUsageHours)
	}
	// At most maxUsageHours+1 buckets: the first and last may be partial.
	first = from.Unix() / 3600
	last = (to.Unix() - 1) / 3600 // the hour holding the last second before to
	return from, to, first, last, nil
}

// hourUsages reads the account's (all accounts' if "") hourly counters of
// hours first..last.
func (s *Server) hourUsages(ctx context.Context, m *Model, account string, first, last int64) ([]metering.Usage, error) {
	return s.store.HourUsages(ctx, m.Token, account, first, last)
}

// ownerUsage is GET /v1/owner/models/:model/usage?from=&to=&group=hour|day|key.
func (s *Server) ownerUsage(c *fiber.Ctx) error {
	m, err := s.ownedModel(c)
	if err != nil {
		return err
	}
	group := c.Query("group", "hour")
	if group != "hour" && group != "day" && group != "key" {
		return badRequest("group", "\"group\" must be hour, day or key")
	}
	from, to, first, last, err := s.usageRange(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	data := []usageJSON{}
	var total metering.Usage
	var notes []string
	switch group {
	case "hour", "day":
		hours, err := s.hourUsages(ctx, m, "", first, last)
		if err != nil {
			return err
		}
		var day string
		var acc metering.Usage
		for i, u := range hours {
			addUsage(&total, u)
			start := time.Unix((first+int64(i))*3600, 0).UTC()
			if group == "hour" {
				data = append(data, toUsageJSON(start.Format(time.RFC3339), u))
				continue
			}
			d := start.Format(time.DateOnly)
			if d != day && day != "" {
				data = append(data, toUsageJSON(day, acc))
				acc = metering.Usage{}
			}
			day = d
			addUsage(&acc, u)
		}
		if group == "day" && day != "" {
			data = append(data, toUsageJSON(day, acc))
		}
	case "key":
		keys, err := s.store.ListKeys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			p := Principal{Models: k.Models}
			if !p.Allows(m.Name) {
				continue
			}
			hours, err := s.hourUsages(ctx, m, k.ID, first, last)
			if err != nil {
				return err
			}
			var acc metering.Usage
			for _, u := range hours {
				addUsage(&acc, u)
			}
			if acc.Calls == 0 && (acc.Fees == nil || acc.Fees.Sign() == 0) {
				continue
			}
			addUsage(&total, acc)
			row := toUsageJSON(k.ID, acc)
			row.Name = k.Name
			data = append(data, row)
		}
		sort.Slice(data, func(i, j int) bool { return data[i].Bucket < data[j].Bucket })
		notes = append(notes, jwtLimitation)
	}
	resp := fiber.Map{
		"object": "list", "model": m.Name, "token": m.Token.Hex(), "group": group,
		"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339),
		"data": data, "total": toUsageJSON("total", total),
	}
	if notes != nil {
		resp["limitations"] = notes
	}
	return c.JSON(resp)
}

// ownerRevenue is GET /v1/owner/models/:model/revenue: what was metered
// (every receipt's fee), what has settled on-chain per the batch records,
// and the difference.
func (s *Server) ownerRevenue(c *fiber.Ctx) error {
	m, err := s.ownedModel(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	tot, err := s.store.Totals(ctx, m.Token)
	if err != nil {
		return err
	}
	metered := new(big.Int)
	if tot.Fees != nil {
		metered.Set(tot.Fees)
	}
	rv, err := s.ledger.Revenue(ctx, m.Token)
	if err != nil {
		return err
	}
	pending := new(big.Int).Sub(metered, rv.Settled)
	return c.JSON(fiber.Map{
		"object": "model.revenue", "model": m.Name, "token": m.Token.Hex(),
		"calls": tot.Calls, "metered_wei": metered.String(), "settled_wei": rv.Settled.String(), "pending_wei": pending.String(),
		// in_settlement_wei is the part of pending_wei in sealed or sent batches.
		"in_settlement_wei": rv.InSettlement.String(), "settled_batches": rv.SettledBatches, "unsettled_batches": rv.UnsettledBatches,
		"last_settled_seq": strconv.FormatUint(rv.LastSettledSeq, 10),
	})
}

// ownerKeyJSON is an API key as an owner sees it: never the key itself
// (imogate only stores its hash), only its record and balance.
type ownerKeyJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	Models     []string `json:"models"`
	RPM        int64    `json:"rpm"`
	TPM        int64    `json:"tpm"`
	Created    string   `json:"created"`
	Revoked    bool     `json:"revoked"`
	BalanceWei string   `json:"balance_wei"`
}

// ownerKeys is GET /v1/owner/models/:model/keys: every API key that may
// use the model, with its balance for the model and its limits.
func (s *Server) ownerKeys(c *fiber.Ctx) error {
	m, err := s.ownedModel(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	keys, err := s.store.ListKeys(ctx)
	if err != nil {
		return err
	}
	data := []ownerKeyJSON{}
	for _, k := range keys {
		p := Principal{Models: k.Models}
		if !p.Allows(m.Name) {
			continue
		}
		data = append(data, ownerKeyJSON{
			ID: k.ID, Name: k.Name, Role: k.Role, Models: k.Models, RPM: k.RPM, TPM: k.TPM,
			Created: k.Created.UTC().Format(time.RFC3339), Revoked: k.Revoked,
		})
	}
	ids := make([]string, len(data))
	for i := range data {
		ids[i] = data[i].ID
	}
	bals, err := s.store.Balances(ctx, m.Token, ids)
	if err != nil {
		return err
	}
	for i := range data {
		data[i].BalanceWei = strconv.FormatInt(bals[i], 10)
	}
	sort.Slice(data, func(i, j int) bool { return data[i].ID < data[j].ID })
	return c.JSON(fiber.Map{"object": "list", "model": m.Name, "data": data})
}

// ownerBatches is GET /v1/owner/models/:model/batches?cursor=&limit=.
func (s *Server) ownerBatches(c *fiber.Ctx) error {
	m, err := s.ownedModel(c)
	if err != nil {
		return err
	}
	return s.listBatches(c, m)
}

// batchJSON is a settlement batch record. Ids, seqs, counts, block numbers
// and wei are decimal strings; hashes 0x hex; times RFC 3339; facts not
// yet known are null.
type batchJSON struct {
	Object      string   `json:"object"`
	ID          string   `json:"id"`
	Model       string   `json:"model"`
	Token       string   `json:"token"`
	Status      string   `json:"status"` // sealed, sent or settled
	Root        string   `json:"root"`
	FirstSeq    string   `json:"first_seq"`
	LastSeq     string   `json:"last_seq"`
	Count       string   `json:"count"`
	FeeWei      string   `json:"fee_wei"`
	SealedAt    *string  `json:"sealed_at"`
	TxHashes    []string `json:"tx_hashes"` // every settle transaction signed for it, oldest first
	TxHash      *string  `json:"tx_hash"`   // the mined one, once settled
	BlockNumber *string  `json:"block_number"`
	BlockHash   *string  `json:"block_hash"`
	SettledAt   *string  `json:"settled_at"`
	Archived    bool     `json:"archived"`
}

func toBatchJSON(m *Model, b *settlement.Batch) batchJSON {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	ts := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		v := t.UTC().Format(time.RFC3339Nano)
		return &v
	}
	o := batchJSON{
		Object: "settlement.batch", ID: u(b.ID), Model: m.Name, Token: m.Token.Hex(), Status: string(b.State),
		Root: b.Root.Hex(), FirstSeq: u(b.FirstSeq), LastSeq: u(b.LastSeq), Count: u(b.Count()), FeeWei: b.Fee.String(),
		SealedAt: ts(b.SealedAt), TxHashes: []string{}, SettledAt: ts(b.SettledAt), Archived: b.Archived,
	}
	for _, h := range b.TxHashes {
		o.TxHashes = append(o.TxHashes, h.Hex())
	}
	if b.State == settlement.StateSettled {
		tx, bn, bh := b.TxHash.Hex(), u(b.BlockNumber), b.BlockHash.Hex()
		o.TxHash, o.BlockNumber, o.BlockHash = &tx, &bn, &bh
	}
	return o
}

// Batch list cursors are opaque to clients: base64url of "b1:<next id>".
const cursorPrefix = "b1:"

func encodeCursor(next uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatUint(next, 10)))
}

func decodeCursor(v string) (uint64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseUint(rest, 10, 64)
	return id, err == nil
}

// pageParams parses ?cursor= and ?limit=.
func pageParams(c *fiber.Ctx) (from uint64, limit int, err error) {
	limit = defaultPageLimit
	if v := c.Query("limit"); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 || n > maxPageLimit {
			return 0, 0, badRequest("limit", "\"limit\" must be an integer from 1 to %d", maxPageLimit)
		}
		limit = n
	}
	if v := c.Query("cursor"); v != "" {
		id, ok := decodeCursor(v)
		if !ok {
			return 0, 0, badRequest("cursor", "\"cursor\" is not a cursor this API returned; pass next_cursor from the previous page unchanged")
		}
		from = id
	}
	return from, limit, nil
}

// listBatches writes one page of the model's batches in id order.
func (s *Server) listBatches(c *fiber.Ctx, m *Model) error {
	from, limit, err := pageParams(c)
	if err != nil {
		return err
	}
	bs, err := s.store.Batches(c.UserContext(), m.Token, from, int64(limit)+1)
	if err != nil {
		return err
	}
	var next *string
	if len(bs) > limit {
		v := encodeCursor(bs[limit].ID)
		next = &v
		bs = bs[:limit]
	}
	data := make([]batchJSON, 0, len(bs))
	for i := range bs {
		data = append(data, toBatchJSON(m, &bs[i]))
	}
	return c.JSON(fiber.Map{"object": "list", "model": m.Name, "data": data, "has_more": next != nil, "next_cursor": next})
}
