package dialect

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedRequests adds the golden requests of one API, and a few hostile
// shapes, to a fuzz target's corpus.
func seedRequests(f *testing.F, prefix string) {
	dirs, _ := filepath.Glob("testdata/golden/" + prefix + "*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "request.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `[]`, `null`, `{"model":"m","input":[{"type":"message"}]}`,
		`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}`,
		`{"model":"m","input":"\u0000","max_output_tokens":1e400}`, `{"model":"m","messages":[],"max_tokens":-1}`} {
		f.Add([]byte(s))
	}
}

// checkTranslation is what every accepted request must give: a Chat
// Completions JSON object with the model and messages, streaming as asked;
// every refusal is an *Error with a message.
func checkTranslation(t *testing.T, tr *Translated, err error) {
	if err != nil {
		var de *Error
		if !errors.As(err, &de) || de.Message == "" {
			t.Fatalf("refusal %v is not an *Error with a message", err)
		}
		return
	}
	var chat map[string]json.RawMessage
	if e := json.Unmarshal(tr.Chat, &chat); e != nil {
		t.Fatalf("translation is not a JSON object: %v\n%s", e, tr.Chat)
	}
	var msgs []map[string]json.RawMessage
	if json.Unmarshal(chat["messages"], &msgs) != nil {
		t.Fatalf("translation has no messages array: %s", tr.Chat)
	}
	var model string
	if json.Unmarshal(chat["model"], &model) != nil || model != tr.Model || model == "" {
		t.Fatalf("model %q, want %q", model, tr.Model)
	}
	stream := bytes.Equal(chat["stream"], []byte("true"))
	if stream != tr.Stream {
		t.Fatalf("stream %v, translated says %v", stream, tr.Stream)
	}
	for k := range chat {
		if strings.ToLower(k) != k {
			t.Fatalf("key %q", k)
		}
	}
}

func FuzzMessagesToChat(f *testing.F) {
	seedRequests(f, "messages_")
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := MessagesToChat(body)
		checkTranslation(t, tr, err)
		if err == nil {
			var chat struct {
				MaxTokens *int `json:"max_tokens"`
			}
			if json.Unmarshal(tr.Chat, &chat) != nil || chat.MaxTokens == nil || *chat.MaxTokens < 1 {
				t.Fatalf("a Messages request always sets max_tokens: %s", tr.Chat)
			}
		}
	})
}

func FuzzResponsesToChat(f *testing.F) {
	seedRequests(f, "responses_")
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := ResponsesToChat(body)
		checkTranslation(t, tr, err)
	})
}

// FuzzStreams feeds arbitrary upstream chunks to both stream translators:
// they never panic, every event they write is a named event with JSON data,
// and the closing events build.
func FuzzStreams(f *testing.F) {
	for _, s := range []string{
		`{"choices":[{"index":0,"delta":{"content":"hi"}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":3,"id":"c","function":{"name":"f","arguments":"{"}}]}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_content":"r","refusal":"no"},"finish_reason":"length"}]}`,
		`{"choices":[{"delta":{"content":[{"type":"text","text":"x"}],"tool_calls":[{"function":{"arguments":{"a":1}}}]}}]}`,
	} {
		f.Add([]byte(s), []byte(`{"choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop","stop_reason":"\n"}]}`))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		tr, err := ResponsesToChat([]byte(`{"model":"m","input":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		rs := tr.NewResponsesStream("resp_1", "m", 1)
		ms := NewMessagesStream("msg_1", "m")
		out := append(rs.Start(), ms.Start()...)
		for _, c := range [][]byte{a, b} {
			out = append(out, rs.Chunk(c)...)
			out = append(out, ms.Chunk(c)...)
		}
		out = append(out, rs.Close()...)
		out = append(out, ms.Close()...)
		r, err := ResponsesFinal(rs.Tail(""), Usage{1, 2}, json.RawMessage(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		m, err := MessagesFinal(ms.Tail(""), Usage{1, 2}, json.RawMessage(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, r...), m...)
		for _, ev := range bytes.Split(bytes.TrimSuffix(out, []byte("\n\n")), []byte("\n\n")) {
			lines := bytes.SplitN(ev, []byte("\n"), 2)
			if len(lines) != 2 || !bytes.HasPrefix(lines[0], []byte("event: ")) || !bytes.HasPrefix(lines[1], []byte("data: ")) ||
				!json.Valid(lines[1][len("data: "):]) {
				t.Fatalf("not a named JSON event: %q", ev)
			}
		}
	})
}
