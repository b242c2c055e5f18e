package dialect

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the translator's output")

// The receipt the golden streams carry (the gateway passes the signed one).
var goldenReceipt = json.RawMessage(`{"id":"0x00000000000000000000000000000000000000000000000000000000000000aa"}`)

const goldenID, goldenCreated = "0123456789abcdef0123456789abcdef", int64(1764672000)

// TestGolden translates recorded client requests (shaped as the OpenAI and
// Anthropic SDKs, Codex and Claude Code send them) onto Chat Completions, and
// recorded upstream answers (OpenAI's and vLLM's wire shapes, plain and
// streamed) back, and byte-compares both with the golden files. Each case
// is a directory: request.json, chat.json (the translation), upstream.json
// or upstream.sse (the upstream's answer), answer.json or answer.sse (the
// translation back, as the client receives it). go test -run TestGolden
// -update rewrites the golden files; review the diff.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			messages := strings.HasPrefix(filepath.Base(dir), "messages_")
			req := read(t, dir, "request.json")
			var tr *Translated
			if messages {
				tr, err = MessagesToChat(req)
			} else {
				tr, err = ResponsesToChat(req)
			}
			if err != nil {
				t.Fatalf("translate the request: %v", err)
			}
			golden(t, dir, "chat.json", append(indent(t, tr.Chat), '\n'))
			if !json.Valid(tr.Chat) {
				t.Fatal("the chat request is not JSON")
			}
			if up, ok := maybeRead(t, dir, "upstream.json"); ok {
				u, _ := readUsage(up)
				usage := Usage{Input: u.PromptTokens, Output: u.CompletionTokens}
				var out []byte
				if messages {
					out, err = ChatToMessage(up, "msg_"+goldenID, tr.Model, usage)
				} else {
					out, err = tr.ChatToResponse(up, "resp_"+goldenID, tr.Model, goldenCreated, usage)
				}
				if err != nil {
					t.Fatal(err)
				}
				golden(t, dir, "answer.json", append(out, '\n'))
			}
			if up, ok := maybeRead(t, dir, "upstream.sse"); ok {
				golden(t, dir, "answer.sse", translateStream(t, tr, messages, up))
			}
		})
	}
}

// translateStream runs a recorded upstream stream through a stream
// translator as the gateway does: usage-only chunks are kept aside, every
// other chunk is translated, the open item is closed, and the closing
// events carry the usage and the receipt.
func translateStream(t *testing.T, tr *Translated, messages bool, sse []byte) []byte {
	t.Helper()
	var out []byte
	var usage Usage
	type streamer interface {
		Start() []byte
		Chunk([]byte) []byte
		Close() []byte
	}
	var st streamer
	var rs *ResponsesStream
	if messages {
		st = NewMessagesStream("msg_"+goldenID, tr.Model)
	} else {
		rs = tr.NewResponsesStream("resp_"+goldenID, tr.Model, goldenCreated)
		st = rs
	}
	out = append(out, st.Start()...)
	for _, line := range strings.Split(string(sse), "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		if u, ok := readUsage([]byte(data)); ok {
			usage = Usage{Input: u.PromptTokens, Output: u.CompletionTokens}
		}
		var c struct {
			Choices []json.RawMessage `json:"choices"`
		}
		if json.Unmarshal([]byte(data), &c) != nil {
			t.Fatalf("upstream chunk is not JSON: %s", data)
		}
		if len(c.Choices) == 0 {
			continue
		}
		out = append(out, st.Chunk([]byte(data))...)
	}
	out = append(out, st.Close()...)
	var final []byte
	var err error
	if messages {
		final, err = MessagesFinal(st.(*MessagesStream).Tail(""), usage, goldenReceipt)
	} else {
		final, err = ResponsesFinal(rs.Tail(""), usage, goldenReceipt)
	}
	if err != nil {
		t.Fatal(err)
	}
	return append(out, final...)
}

func read(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

func maybeRead(t *testing.T, dir, name string) ([]byte, bool) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		return nil, false
	}
	return read(t, dir, name), true
}

func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, dir, name string, got []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the translation:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
