package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/internal/testredis"
	"github.com/imogate/imogate/internal/vllmsim"
	"github.com/imogate/imogate/metering"
)

// The adversarial billing suite: a real `imogate serve` in front of an
// upstream that behaves like vLLM (internal/vllmsim), driven as a hostile
// client would. After every call it checks, from the outside:
//   - the balance went down by exactly the receipt's fee (0 without one);
//   - the receipt's fee is the published price of its own token counts;
//   - the fee covers what the upstream served or the client received;
//   - a client that received any content holds a receipt for it.

var billPrice = metering.Price{PerRequest: 1000, Per1KPrompt: 2000, Per1KCompletion: 4000, Per1KEmbedding: 1000}

type billEnv struct {
	t      *testing.T
	p      *proc
	sim    *vllmsim.Server
	admin  string
	acct   string
	secret string
	fees   *big.Int // Σ receipt fees seen
	start  int64    // the balance credited
}

func newBillEnv(t *testing.T) *billEnv {
	t.Helper()
	sim, err := vllmsim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	var tok common.Address
	rand.Read(tok[:])
	var key [32]byte
	rand.Read(key[:])
	admin := "adm_" + hex.EncodeToString(key[:8])
	port := freePort(t)
	model := func(name, kind string) string {
		return fmt.Sprintf(`
  - name: %s
    token: %q
    upstream: {base_url: %q, kind: %s, timeout: 2s}
    price: {per_request_wei: "1000", per_1k_prompt_wei: "2000", per_1k_completion_wei: "4000", per_1k_embedding_wei: "1000"}
    media: {image_tokens: 1200}
    max_tokens: 4096`, name, tok.Hex(), sim.URL(), kind)
	}
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
redis: %s
chain: {chain_id: 1337, settlement_contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3"}
signer: {env: TEST_SIGNER}
admin: {token: {env: TEST_ADMIN}}
log: {level: info}
models:%s%s
`, port, testredis.ConfigYAML(t), model("sim", "vllm"), model("sim-plain", "openai"))
	path := filepath.Join(t.TempDir(), "imogate.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cfg: path, env: append(os.Environ(), "TEST_SIGNER="+hex.EncodeToString(key[:]), "TEST_ADMIN="+admin),
		base: fmt.Sprintf("http://127.0.0.1:%d", port), token: tok}
	p.start()
	const credit = 1_000_000_000_000_000 // 0.001 ether
	var out struct {
		Key struct {
			ID string `json:"id"`
		} `json:"key"`
		APIKey string `json:"api_key"`
	}
	b := p.run("keys", "create", "--name", "hostile", "--credit-model", "sim", "--credit-wei", strconv.Itoa(credit), "--json")
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &billEnv{t: t, p: p, sim: sim, admin: admin, acct: out.Key.ID, secret: out.APIKey, fees: new(big.Int), start: credit}
}

func (e *billEnv) balance() int64 {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.p.base+"/admin/accounts/"+e.acct+"/balance?model=sim", nil)
	req.Header.Set("Authorization", "Bearer "+e.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		BalanceWei string `json:"balance_wei"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		e.t.Fatal(err)
	}
	n, _ := strconv.ParseInt(v.BalanceWei, 10, 64)
	return n
}

// outcome is what the client saw of one call.
type outcome struct {
	status    int
	rid       string
	content   int // content pieces received
	body      []byte
	errorCode string // of an error event or error body
}

// call sends body (user set to a fresh id) and reads the answer; a stream
// is read until its end, or until `closeAfter` content pieces (then the
// client goes away).
func (e *billEnv) call(path string, body map[string]any, closeAfter int) (outcome, string) {
	e.t.Helper()
	user := "u-" + hex.EncodeToString(randomBytes(6))
	body["user"] = user
	raw, _ := json.Marshal(body)
	ctx, cancel := context.WithTimeout(e.t.Context(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", e.p.base+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+e.secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	o := outcome{status: resp.StatusCode, rid: resp.Header.Get("Imogate-Receipt-Id")}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		o.body, _ = io.ReadAll(resp.Body)
		var v struct {
			Choices []struct {
				Text    string `json:"text"`
				Message struct {
					Content string `json:"content"`
				} `json:"message"`
			} `json:"choices"`
			Error struct {
				Code any `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(o.body, &v)
		for _, c := range v.Choices {
			if c.Text != "" || c.Message.Content != "" {
				o.content++
			}
		}
		o.errorCode = fmt.Sprint(v.Error.Code)
		return o, user
	}
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			break
		}
		data, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var v struct {
			Choices []struct {
				Text  string `json:"text"`
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
			Error *struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal([]byte(data), &v)
		if v.Error != nil {
			o.errorCode = v.Error.Code
		}
		for _, c := range v.Choices {
			if c.Text != "" || c.Delta.Content != "" {
				o.content++
			}
		}
		if closeAfter > 0 && o.content >= closeAfter {
			resp.Body.Close() // the client goes away
			time.Sleep(300 * time.Millisecond)
			break
		}
	}
	return o, user
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// receipt fetches a receipt by id, waiting for one committed after the
// client left; ok is false if there is none.
func (e *billEnv) receipt(rid string, wait bool) (metering.SignedReceipt, bool) {
	e.t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		req, _ := http.NewRequest("GET", e.p.base+"/v1/receipts/"+rid, nil)
		req.Header.Set("Authorization", "Bearer "+e.secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			var rc metering.SignedReceipt
			if err := rc.UnmarshalJSON(b); err != nil {
				e.t.Fatal(err)
			}
			return rc, true
		}
		if !wait || time.Now().After(deadline) {
			return metering.SignedReceipt{}, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// check asserts the invariants after one call. minPrompt and
// minCompletion are the tokens the upstream served or the client received,
// which the fee must cover.
func (e *billEnv) check(name string, o outcome, before int64, embeddings bool, minPrompt, minCompletion int) metering.SignedReceipt {
	e.t.Helper()
	var rc metering.SignedReceipt
	var ok bool
	if o.rid != "" {
		rc, ok = e.receipt(o.rid, o.content > 0)
	}
	if o.content > 0 && !ok {
		e.t.Fatalf("%s: the client received %d content pieces but holds no receipt (status %d, id %q): %s\n%s", name, o.content, o.status, o.rid, o.body, e.p.stderr.String()[max(0, len(e.p.stderr.String())-3000):])
	}
	after := e.balance()
	if !ok {
		if after != before {
			e.t.Fatalf("%s: no receipt, yet the balance moved by %d", name, before-after)
		}
		return rc
	}
	e.fees.Add(e.fees, rc.Fee)
	if before-after != rc.Fee.Int64() {
		e.t.Fatalf("%s: the balance went down by %d, the receipt's fee is %s", name, before-after, rc.Fee)
	}
	var want int64
	if embeddings {
		want, _ = billPrice.EmbeddingFee(uint64(rc.PromptTokens))
	} else {
		want, _ = billPrice.Fee(uint64(rc.PromptTokens), uint64(rc.CompletionTokens))
	}
	if rc.Fee.Int64() != want {
		e.t.Fatalf("%s: fee %s is not the price of the receipt's own %d/%d tokens (%d)", name, rc.Fee, rc.PromptTokens, rc.CompletionTokens, want)
	}
	floor, _ := billPrice.Fee(uint64(minPrompt), uint64(minCompletion))
	if embeddings {
		floor, _ = billPrice.EmbeddingFee(uint64(minPrompt))
	}
	if rc.Fee.Int64() < floor {
		e.t.Fatalf("%s: fee %s below the %d wei of what was served or received (%d prompt, %d completion tokens); receipt %d/%d",
			name, rc.Fee, floor, minPrompt, minCompletion, rc.PromptTokens, rc.CompletionTokens)
	}
	if err := rc.Verify(); err != nil {
		e.t.Fatalf("%s: receipt signature: %v", name, err)
	}
	return rc
}

func chatMsg(content any) []any { return []any{map[string]any{"role": "user", "content": content}} }

func TestAdversarialBilling(t *testing.T) {
	e := newBillEnv(t)
	han := strings.Repeat("漢", 46_000)
	b64 := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 80_000/36+1)[:80_000]
	prompts := make([]string, 2000)
	for i := range prompts {
		prompts[i] = "p" + strconv.Itoa(i)
	}
	type scenario struct {
		name       string
		path       string
		body       map[string]any
		closeAfter int
		embeddings bool
		// charged: a receipt must exist; refused: the call must be refused
		// before anything is held.
		charged, refused bool
		errorCode        string // an error event or body the client must see
		// received: for a stream cut short, the floor uses what the client
		// received instead of what the upstream wrote.
		received bool
	}
	scenarios := []scenario{
		// Reproduction 1: a prompt array of 2,000 strings on completions.
		{name: "prompt array of 2000", path: "/v1/completions", body: map[string]any{"model": "sim", "prompt": prompts, "max_tokens": 64}, charged: true},
		{name: "n and best_of", path: "/v1/completions", body: map[string]any{"model": "sim", "prompt": []string{"a", "b"}, "n": 3, "best_of": 5, "max_tokens": 40}, charged: true},
		{name: "chat n=4", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("hi"), "n": 4, "max_tokens": 30}, charged: true},
		{name: "chat n=3 streamed", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("hi"), "n": 3, "stream": true, "max_tokens": 10}, charged: true},
		{name: "ignore_eos generates max_tokens", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("go"), "ignore_eos": true, "max_tokens": 300}, charged: true},
		{name: "min_tokens", path: "/v1/completions", body: map[string]any{"model": "sim", "prompt": "go", "min_tokens": 200, "max_tokens": 250}, charged: true},
		// Reproduction 2: a stream longer than the model's timeout.
		{name: "stream beyond the timeout (vllm)", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("story"), "stream": true,
			"ignore_eos": true, "max_tokens": 4000, "vllmsim": map[string]any{"token_delay_ms": 20}}, charged: true, errorCode: "stream_interrupted"},
		{name: "stream beyond the timeout (no running usage)", path: "/v1/chat/completions", body: map[string]any{"model": "sim-plain", "messages": chatMsg("story"), "stream": true,
			"min_tokens": 4000, "max_tokens": 4000, "vllmsim": map[string]any{"token_delay_ms": 20}}, charged: true, errorCode: "stream_interrupted", received: true},
		{name: "stall mid-stream until the timeout", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("x"), "stream": true,
			"vllmsim": map[string]any{"stall_after": 5}}, charged: true, errorCode: "stream_interrupted"},
		{name: "error event mid-stream", path: "/v1/chat/completions", body: map[string]any{"model": "sim-plain", "messages": chatMsg("x"), "stream": true, "max_tokens": 100,
			"vllmsim": map[string]any{"error_after": 20, "length": 100}}, charged: true, errorCode: "stream_interrupted", received: true},
		{name: "connection dropped mid-stream", path: "/v1/completions", body: map[string]any{"model": "sim", "prompt": "x", "stream": true, "max_tokens": 100,
			"vllmsim": map[string]any{"drop_after": 20, "length": 100}}, charged: true, errorCode: "stream_interrupted"},
		// vLLM's running usage is per choice: a stream of several prompts
		// and choices, cut, is charged every choice's tokens and every prompt.
		{name: "prompt array × n streamed, client leaves", path: "/v1/completions", body: map[string]any{"model": "sim", "stream": true, "n": 2, "max_tokens": 200,
			"prompt": []string{strings.Repeat("long prompt ", 200), "b", "c", strings.Repeat("x", 500)}, "vllmsim": map[string]any{"token_delay_ms": 2, "length": 200}},
			closeAfter: 60, charged: true, received: true},
		{name: "chat n=8 streamed, client leaves", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("go"), "stream": true, "n": 8,
			"max_tokens": 100, "vllmsim": map[string]any{"token_delay_ms": 2, "length": 100}}, closeAfter: 50, charged: true, received: true},
		{name: "error before any content", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("x"), "stream": true,
			"vllmsim": map[string]any{"fail_first": true}}, charged: false, errorCode: "upstream_error"},
		// Reproduction 3: prompts a word splitter would undercount, with the
		// client leaving mid-stream.
		{name: "46000 Han characters, client leaves (vllm)", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg(han), "stream": true,
			"max_tokens": 50, "vllmsim": map[string]any{"token_delay_ms": 30, "length": 50}}, closeAfter: 3, charged: true, received: true},
		{name: "46000 Han characters, client leaves (no running usage)", path: "/v1/chat/completions", body: map[string]any{"model": "sim-plain", "messages": chatMsg(han), "stream": true,
			"max_tokens": 50, "vllmsim": map[string]any{"token_delay_ms": 30, "length": 50}}, closeAfter: 3, charged: true, received: true},
		{name: "80000 base64 characters, no usage reported", path: "/v1/completions", body: map[string]any{"model": "sim-plain", "prompt": b64, "max_tokens": 20,
			"vllmsim": map[string]any{"omit_usage": true}}, charged: true},
		{name: "no usage reported, streamed", path: "/v1/chat/completions", body: map[string]any{"model": "sim-plain", "messages": chatMsg("x"), "stream": true, "max_tokens": 30,
			"vllmsim": map[string]any{"omit_usage": true, "length": 30}}, charged: true},
		{name: "usage over-reported 10×", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("x"), "max_tokens": 20,
			"vllmsim": map[string]any{"over_report": 10}}, charged: true},
		{name: "image part held at its bound", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "max_tokens": 10, "messages": chatMsg([]any{
			map[string]any{"type": "text", "text": "what is it"}, map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/a.png"}}})}, charged: true},
		{name: "tool definitions", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("weather?"), "max_tokens": 10,
			"tools": []any{map[string]any{"type": "function", "function": map[string]any{"name": "get_weather", "parameters": map[string]any{"type": "object"}}}}}, charged: true},
		{name: "embeddings input array", path: "/v1/embeddings", body: map[string]any{"model": "sim", "input": []string{"alpha", "beta", han[:300]}}, embeddings: true, charged: true},
		{name: "audio part without a bound", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg([]any{
			map[string]any{"type": "input_audio", "input_audio": map[string]any{"data": "AAAA", "format": "wav"}}})}, refused: true},
		{name: "mm_processor_kwargs", path: "/v1/chat/completions", body: map[string]any{"model": "sim", "messages": chatMsg("x"), "mm_processor_kwargs": map[string]any{"max_pixels": 1 << 30}}, refused: true},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			e.t = t
			before := e.balance()
			o, user := e.call(sc.path, sc.body, sc.closeAfter)
			if sc.refused {
				if o.status != 400 || o.rid != "" {
					t.Fatalf("status %d, receipt %q; want a 400 before any hold: %s", o.status, o.rid, o.body)
				}
				if _, served := e.sim.Served(user); served {
					t.Fatal("a refused request reached the upstream")
				}
				e.check(sc.name, o, before, sc.embeddings, 0, 0)
				return
			}
			if o.status != 200 {
				t.Fatalf("status %d: %s", o.status, o.body)
			}
			if sc.errorCode != "" && o.errorCode != sc.errorCode {
				t.Fatalf("the client saw error code %q, want %q", o.errorCode, sc.errorCode)
			}
			served, _ := e.sim.Served(user)
			minCompletion := served.WrittenTokens
			if sc.received || sc.closeAfter > 0 {
				minCompletion = min(minCompletion, o.content)
			}
			rc := e.check(sc.name, o, before, sc.embeddings, served.PromptTokens, minCompletion)
			if sc.charged != (rc.Fee != nil) {
				t.Fatalf("charged = %v, want %v", rc.Fee != nil, sc.charged)
			}
			if !sc.charged && o.content > 0 {
				t.Fatal("content delivered without a receipt")
			}
			t.Logf("served %d/%d (written %d), client got %d pieces; receipt %d/%d fee %v", served.PromptTokens, served.CompletionTokens,
				served.WrittenTokens, o.content, rc.PromptTokens, rc.CompletionTokens, rc.Fee)
		})
	}
	e.t = t
	if debit := e.start - e.balance(); debit != e.fees.Int64() {
		t.Fatalf("total debit %d, Σ receipt fees %s", debit, e.fees)
	}
	// The over-reporting upstream is visible to the owner.
	resp, err := http.Get(e.p.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(m), `imogate_usage_beyond_hold_total{model="sim"} 1`) {
		t.Fatal("imogate_usage_beyond_hold_total does not count the over-reported call")
	}
}
