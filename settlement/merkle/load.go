package merkle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// ErrInvalidDump is wrapped by every error of LoadReceiptTree and
// ReadReceiptTree; the message names what is wrong and where.
var ErrInvalidDump = errors.New("invalid standard-v1 merkle dump")

// LoadReceiptTree parses and validates a "standard-v1" dump of a receipt
// tree, written by Dump or by OpenZeppelin's StandardMerkleTree dump() in
// any language. It checks what StandardMerkleTree.load checks, and more:
//
//   - "format" is "standard-v1" and "leafEncoding" is exactly LeafEncoding;
//   - "tree" holds 2n-1 nodes for the n "values", each a lowercase 0x-prefixed
//     32-byte hex string (OpenZeppelin compares leaves as such strings);
//   - each value has 10 fields and a "treeIndex" naming a leaf position, no
//     two values the same position, and its leaf hash equals that node;
//   - every inner node is the sorted-pair hash of its two children.
//
// Values may be spelled as OpenZeppelin (through @metamask/abi-utils)
// accepts them, with these deliberate restrictions: bytes32 values must be
// 0x plus exactly 64 hex digits and addresses 0x plus exactly 40 (any case;
// OpenZeppelin would silently pad shorter ones); integers must be decimal
// strings of digits, 0x hex strings, or plain JSON integers up to 2^53-1
// (JavaScript's exact range). Anything accepted loads with the same root and
// the same leaves in Node. Leaves need not be in sorted order (OpenZeppelin
// loads unsorted trees too). Unknown object keys are ignored, as in
// OpenZeppelin; duplicate keys are rejected.
func LoadReceiptTree(dump []byte) (*ReceiptTree, error) {
	return ReadReceiptTree(bytes.NewReader(dump))
}

// ReadReceiptTree is LoadReceiptTree reading the dump from r as a stream,
// for dumps too large to hold in memory next to the tree.
func ReadReceiptTree(r io.Reader) (*ReceiptTree, error) {
	d, err := parseDump(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDump, err)
	}
	t, err := d.build()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDump, err)
	}
	return t, nil
}

// rawDump is a dump as parsed, before the cross-checks of build.
type rawDump struct {
	format       string
	haveFormat   bool
	encoding     []string
	haveEncoding bool
	tree         []common.Hash
	treeErr      error // first malformed node
	haveTree     bool
	values       []metering.Receipt
	treeIndex    []int64
	valueErr     error // first malformed value
	haveValues   bool
}

func (d *rawDump) build() (*ReceiptTree, error) {
	switch {
	case !d.haveFormat:
		return nil, errors.New(`missing "format" (want "standard-v1")`)
	case d.format != FormatStandardV1:
		return nil, fmt.Errorf("unknown format %q (want %q)", d.format, FormatStandardV1)
	case !d.haveEncoding:
		return nil, errors.New(`missing "leafEncoding"`)
	case !slices.Equal(d.encoding, LeafEncoding):
		return nil, fmt.Errorf("leafEncoding is %q, want the receipt encoding %q", d.encoding, LeafEncoding)
	case !d.haveTree:
		return nil, errors.New(`missing "tree"`)
	case !d.haveValues:
		return nil, errors.New(`missing "values"`)
	case d.treeErr != nil:
		return nil, d.treeErr
	case len(d.values) == 0:
		return nil, errors.New("no values: a tree needs at least one leaf")
	case len(d.values) > maxLeaves:
		return nil, fmt.Errorf("%d values exceed the limit of %d", len(d.values), maxLeaves)
	case len(d.tree) != 2*len(d.values)-1:
		return nil, fmt.Errorf("tree has %d nodes, want 2*%d-1 = %d for %d values (truncated or padded tree)",
			len(d.tree), len(d.values), 2*len(d.values)-1, len(d.values))
	case d.valueErr != nil:
		return nil, d.valueErr
	}

	n := len(d.values)
	nodes := d.tree
	firstLeaf := int64(n - 1)
	owner := make([]int32, n) // owner[k] = 1 + value index at leaf position firstLeaf+k
	pos := make([]int32, n)
	lh := newHasher()
	for i := range d.values {
		ti := d.treeIndex[i]
		if ti < firstLeaf || ti >= int64(len(nodes)) {
			return nil, fmt.Errorf("values[%d].treeIndex is %d, want a leaf position %d..%d", i, ti, firstLeaf, len(nodes)-1)
		}
		if prev := owner[ti-firstLeaf]; prev != 0 {
			return nil, fmt.Errorf("values[%d].treeIndex %d is also values[%d].treeIndex", i, ti, prev-1)
		}
		owner[ti-firstLeaf] = int32(i + 1)
		pos[i] = int32(ti)
		if leaf := lh.leaf(&d.values[i]); leaf != nodes[ti] {
			return nil, fmt.Errorf("values[%d] hashes to leaf %s, but tree[%d] is %s (changed value, or wrong treeIndex)", i, leaf.Hex(), ti, nodes[ti].Hex())
		}
	}
	h := newHasher()
	for i := n - 2; i >= 0; i-- {
		if want := h.pair(&nodes[2*i+1], &nodes[2*i+2]); nodes[i] != want {
			return nil, fmt.Errorf("tree[%d] is %s, but the hash of its children tree[%d] and tree[%d] is %s", i, nodes[i].Hex(), 2*i+1, 2*i+2, want.Hex())
		}
	}
	return &ReceiptTree{tree: &Tree{nodes: nodes, pos: pos}, receipts: d.values}, nil
}

// parseDump reads one JSON object from r and collects the dump's fields.
// JSON syntax and shape errors end parsing at once; malformed nodes and
// values are recorded (the first of each) so that build reports problems
// in OpenZeppelin's order: format, encoding, then content.
func parseDump(r io.Reader) (*rawDump, error) {
	p := &parser{dec: json.NewDecoder(r)}
	p.dec.UseNumber()
	d := &rawDump{}
	if err := p.delim('{', "the dump"); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for p.dec.More() {
		key, err := p.key("the dump")
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "format":
			d.haveFormat = true
			if d.format, err = p.str(`"format"`); err != nil {
				return nil, err
			}
		case "leafEncoding":
			d.haveEncoding = true
			if d.encoding, err = p.strings(`"leafEncoding"`); err != nil {
				return nil, err
			}
		case "tree":
			d.haveTree = true
			if err := p.tree(d); err != nil {
				return nil, err
			}
		case "values":
			d.haveValues = true
			if err := p.values(d); err != nil {
				return nil, err
			}
		default:
			if err := p.skip(); err != nil {
				return nil, err
			}
		}
	}
	if err := p.delim('}', "the dump"); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return d, nil
}

// parser wraps a token decoder with shape checks that name the place.
type parser struct {
	dec *json.Decoder
}

func (p *parser) token(where string) (json.Token, error) {
	tok, err := p.dec.Token()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: unexpected end of JSON", where)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return tok, nil
}

func (p *parser) delim(want json.Delim, where string) error {
	tok, err := p.token(where)
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%s: want '%c', got %s", where, rune(want), describe(tok))
	}
	return nil
}

func (p *parser) key(where string) (string, error) {
	tok, err := p.token(where)
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s: want an object key, got %s", where, describe(tok))
	}
	return k, nil
}

func (p *parser) str(where string) (string, error) {
	tok, err := p.token(where)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s: want a string, got %s", where, describe(tok))
	}
	return s, nil
}

func (p *parser) strings(where string) ([]string, error) {
	if err := p.delim('[', where); err != nil {
		return nil, err
	}
	var out []string
	for p.dec.More() {
		s, err := p.str(fmt.Sprintf("%s[%d]", where, len(out)))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, p.delim(']', where)
}

func (p *parser) skip() error {
	var raw json.RawMessage
	return p.dec.Decode(&raw)
}

func (p *parser) tree(d *rawDump) error {
	if err := p.delim('[', `"tree"`); err != nil {
		return err
	}
	d.tree = d.tree[:0]
	for p.dec.More() {
		i := len(d.tree)
		s, err := p.str(fmt.Sprintf("tree[%d]", i))
		if err != nil {
			return err
		}
		var node common.Hash
		if !parseLowerHash(s, &node) && d.treeErr == nil {
			d.treeErr = fmt.Errorf("tree[%d] is %s, want a lowercase 0x-prefixed 32-byte hex string", i, quoteShort(s))
		}
		d.tree = append(d.tree, node)
	}
	return p.delim(']', `"tree"`)
}

func (p *parser) values(d *rawDump) error {
	if err := p.delim('[', `"values"`); err != nil {
		return err
	}
	for p.dec.More() {
		i := len(d.values)
		where := fmt.Sprintf("values[%d]", i)
		if err := p.delim('{', where); err != nil {
			return err
		}
		var r metering.Receipt
		ti := int64(-1)
		var haveValue, haveIndex bool
		for p.dec.More() {
			key, err := p.key(where)
			if err != nil {
				return err
			}
			switch key {
			case "value":
				if haveValue {
					return fmt.Errorf("%s: duplicate key %q", where, key)
				}
				haveValue = true
				if err := p.value(where+".value", &r, &d.valueErr); err != nil {
					return err
				}
			case "treeIndex":
				if haveIndex {
					return fmt.Errorf("%s: duplicate key %q", where, key)
				}
				haveIndex = true
				tok, err := p.token(where + ".treeIndex")
				if err != nil {
					return err
				}
				num, ok := tok.(json.Number)
				v, perr := strconv.ParseInt(string(num), 10, 64)
				if !ok || perr != nil || v < 0 {
					return fmt.Errorf("%s.treeIndex: want a non-negative integer, got %s", where, describe(tok))
				}
				ti = v
			default:
				if err := p.skip(); err != nil {
					return err
				}
			}
		}
		if err := p.delim('}', where); err != nil {
			return err
		}
		if d.valueErr == nil && !haveValue {
			d.valueErr = fmt.Errorf(`%s: missing "value"`, where)
		}
		if d.valueErr == nil && !haveIndex {
			d.valueErr = fmt.Errorf(`%s: missing "treeIndex"`, where)
		}
		d.values = append(d.values, r)
		d.treeIndex = append(d.treeIndex, ti)
	}
	return p.delim(']', `"values"`)
}

// value parses one value array into r. A field that is well-formed JSON but
// not a valid receipt field is recorded in *firstErr (if still nil) and
// parsing goes on.
func (p *parser) value(where string, r *metering.Receipt, firstErr *error) error {
	if err := p.delim('[', where); err != nil {
		return err
	}
	fail := func(err error) {
		if *firstErr == nil {
			*firstErr = err
		}
	}
	n := 0
	for p.dec.More() {
		tok, err := p.token(fmt.Sprintf("%s[%d]", where, n))
		if err != nil {
			return err
		}
		if _, ok := tok.(json.Delim); ok {
			return fmt.Errorf("%s[%d]: want a string or number, got %s", where, n, describe(tok))
		}
		if n < len(LeafEncoding) {
			if err := setField(r, n, tok); err != nil {
				fail(fmt.Errorf("%s[%d] (%s %s): %w", where, n, LeafEncoding[n], receiptFieldNames[n], err))
			}
		}
		n++
	}
	if n != len(LeafEncoding) {
		fail(fmt.Errorf("%s has %d fields, want %d", where, n, len(LeafEncoding)))
	}
	if r.Fee == nil {
		r.Fee = new(big.Int) // keep the receipt encodable even when the fee was malformed
	}
	return p.delim(']', where)
}

// setField parses field n (in LeafEncoding order) from a JSON token.
func setField(r *metering.Receipt, n int, tok json.Token) error {
	switch n {
	case 0:
		return parseBytes32(tok, &r.ID)
	case 1:
		return parseAddress(tok, &r.Model)
	case 2:
		return parseBytes32(tok, &r.Payer)
	case 3:
		return parseUint64(tok, 64, &r.Seq)
	case 4:
		return parseUint64(tok, 64, &r.Timestamp)
	case 5, 6:
		var v uint64
		if err := parseUint64(tok, 32, &v); err != nil {
			return err
		}
		if n == 5 {
			r.PromptTokens = uint32(v)
		} else {
			r.CompletionTokens = uint32(v)
		}
		return nil
	case 7:
		v, err := parseUint(tok, 256)
		if err != nil {
			return err
		}
		r.Fee = v
		return nil
	case 8:
		return parseBytes32(tok, &r.RequestHash)
	case 9:
		return parseBytes32(tok, &r.ResponseHash)
	}
	return nil
}

func parseBytes32(tok json.Token, out *common.Hash) error {
	s, ok := tok.(string)
	if !ok || !parseHex(s, out[:]) {
		return fmt.Errorf("want 0x and 64 hex digits, got %s", describe(tok))
	}
	return nil
}

func parseAddress(tok json.Token, out *common.Address) error {
	s, ok := tok.(string)
	if !ok || !parseHex(s, out[:]) {
		return fmt.Errorf("want 0x and 40 hex digits, got %s", describe(tok))
	}
	return nil
}

// parseHex decodes "0x" + exactly 2*len(out) hex digits of either case.
func parseHex(s string, out []byte) bool {
	if len(s) != 2+2*len(out) || s[0] != '0' || s[1] != 'x' {
		return false
	}
	_, err := hex.Decode(out, []byte(s[2:]))
	return err == nil
}

// parseLowerHash decodes a tree node: "0x" + 64 lowercase hex digits.
func parseLowerHash(s string, out *common.Hash) bool {
	if !parseHex(s, out[:]) {
		return false
	}
	for i := 2; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'F' {
			return false
		}
	}
	return true
}

func parseUint64(tok json.Token, bits int, out *uint64) error {
	v, err := parseUint(tok, bits)
	if err != nil {
		return err
	}
	*out = v.Uint64()
	return nil
}

// maxNumberLen bounds integer spellings (a uint256 needs 78 decimal digits;
// leading zeros are legal) so that hostile dumps cannot make parsing slow.
const maxNumberLen = 512

// maxSafeInteger is JavaScript's Number.MAX_SAFE_INTEGER, 2^53-1: larger
// JSON numbers are rounded by JSON.parse, so Node would hash another value.
const maxSafeInteger = 1<<53 - 1

// parseUint parses an unsigned integer of the given bit size spelled as a
// decimal string, a 0x hex string, or a plain JSON integer.
func parseUint(tok json.Token, bits int) (*big.Int, error) {
	var v *big.Int
	switch t := tok.(type) {
	case string:
		if len(t) > maxNumberLen {
			return nil, fmt.Errorf("number string of %d characters is too long", len(t))
		}
		base, digits := 10, t
		if len(t) >= 2 && t[0] == '0' && t[1] == 'x' {
			base, digits = 16, t[2:]
		}
		if !allDigits(digits, base) {
			return nil, fmt.Errorf("want a decimal string or 0x hex string, got %s", quoteShort(t))
		}
		v, _ = new(big.Int).SetString(digits, base)
	case json.Number:
		u, err := strconv.ParseUint(string(t), 10, 64)
		if err != nil || u > maxSafeInteger {
			return nil, fmt.Errorf("JSON number %s is not an integer in 0..2^53-1 (write large numbers as decimal strings)", quoteShort(string(t)))
		}
		v = new(big.Int).SetUint64(u)
	default:
		return nil, fmt.Errorf("want a decimal string, got %s", describe(tok))
	}
	if v.BitLen() > bits {
		return nil, fmt.Errorf("%s is out of range for uint%d", v, bits)
	}
	return v, nil
}

func allDigits(s string, base int) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case base == 16 && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'):
		default:
			return false
		}
	}
	return true
}

// describe names a JSON token for error messages.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case string:
		return "string " + quoteShort(t)
	case json.Number:
		return "number " + quoteShort(string(t))
	case bool:
		return "boolean " + strconv.FormatBool(t)
	case json.Delim:
		switch t {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", t)
	}
	return fmt.Sprintf("%v", tok)
}

// quoteShort quotes s, cut to a readable length.
func quoteShort(s string) string {
	const max = 80
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
