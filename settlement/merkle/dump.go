package merkle

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// Dump returns the tree's "standard-v1" JSON dump, byte for byte what
// JSON.stringify(StandardMerkleTree.of(values, LeafEncoding).dump()) prints
// in Node for the same receipts when the values are spelled as imogate's
// receipt JSON spells them:
//
//	{"format":"standard-v1","leafEncoding":["bytes32",...],
//	 "tree":["0x…",...],"values":[{"value":["0x…","0x…",…],"treeIndex":N},...]}
//
// (on one line, no spaces). Tree nodes and bytes32 values are lowercase 0x
// hex, addresses are EIP-55 checksummed (as ethers getAddress and
// common.Address.Hex print them), integers are decimal strings. Values are
// in the receipts' order; treeIndex is each leaf's position in "tree".
func (t *ReceiptTree) Dump() ([]byte, error) {
	var b bytes.Buffer
	// ~68 bytes per node and ~600 per value.
	b.Grow(len(t.tree.nodes)*68 + len(t.receipts)*600 + 256)
	if err := t.WriteDump(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteDump streams the dump of Dump to w, for trees too large to hold
// twice in memory.
func (t *ReceiptTree) WriteDump(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var scratch [128]byte
	h := newHasher()

	bw.WriteString(`{"format":"` + FormatStandardV1 + `","leafEncoding":[`)
	for i, e := range LeafEncoding {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(`"` + e + `"`)
	}
	bw.WriteString(`],"tree":[`)
	for i := range t.tree.nodes {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(appendQuotedHex(scratch[:0], t.tree.nodes[i][:]))
	}
	bw.WriteString(`],"values":[`)
	for i := range t.receipts {
		r := &t.receipts[i]
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString(`{"value":[`)
		bw.Write(appendQuotedHex(scratch[:0], r.ID[:]))
		bw.WriteByte(',')
		bw.Write(appendChecksumAddress(scratch[:0], r.Model, h))
		bw.WriteByte(',')
		bw.Write(appendQuotedHex(scratch[:0], r.Payer[:]))
		for _, v := range [...]uint64{r.Seq, r.Timestamp, uint64(r.PromptTokens), uint64(r.CompletionTokens)} {
			bw.WriteString(`,"`)
			bw.Write(strconv.AppendUint(scratch[:0], v, 10))
			bw.WriteByte('"')
		}
		bw.WriteString(`,"`)
		bw.Write(r.Fee.Append(scratch[:0], 10))
		bw.WriteString(`",`)
		bw.Write(appendQuotedHex(scratch[:0], r.RequestHash[:]))
		bw.WriteByte(',')
		bw.Write(appendQuotedHex(scratch[:0], r.ResponseHash[:]))
		bw.WriteString(`],"treeIndex":`)
		bw.Write(strconv.AppendInt(scratch[:0], int64(t.tree.pos[i]), 10))
		bw.WriteByte('}')
	}
	bw.WriteString(`]}`)
	return bw.Flush()
}

// appendQuotedHex appends `"0x<lowercase hex of b>"`.
func appendQuotedHex(dst, b []byte) []byte {
	dst = append(dst, '"', '0', 'x')
	dst = hex.AppendEncode(dst, b)
	return append(dst, '"')
}

// appendChecksumAddress appends the quoted EIP-55 spelling of a, computed
// with h instead of common.Address.Hex so that dumping allocates nothing
// per value.
func appendChecksumAddress(dst []byte, a common.Address, h *hasher) []byte {
	var lower [40]byte
	hex.Encode(lower[:], a[:])
	sum := h.sum(lower[:])
	for i, c := range lower {
		nibble := sum[i/2] >> 4
		if i%2 == 1 {
			nibble = sum[i/2] & 0x0f
		}
		if c >= 'a' && nibble >= 8 {
			lower[i] = c - 'a' + 'A'
		}
	}
	dst = append(dst, '"', '0', 'x')
	dst = append(dst, lower[:]...)
	return append(dst, '"')
}

// receiptFieldNames name the value fields in error messages.
var receiptFieldNames = [...]string{"id", "model", "payer", "seq", "timestamp", "promptTokens", "completionTokens", "fee", "requestHash", "responseHash"}
