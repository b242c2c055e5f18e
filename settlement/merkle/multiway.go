package merkle

import (
	"bytes"
	"encoding/binary"

	"github.com/cloudflare/circl/simd/keccakf1600"
	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/merkle/internal/keccakx8"
)

// Keccak-256 sponge constants: a rate of 136 bytes (17 lanes) and the
// original Keccak padding (0x01 … 0x80), not SHA3's 0x06.
const (
	rateLanes = 17
	padFirst  = uint64(0x01)       // first padding byte, in the lane after the message
	padLast   = uint64(0x80) << 56 // last byte of the rate block: the top byte of lane 16
)

// bestWays is how many hashes the fastest permutation this CPU runs computes
// at once: 8 with AVX-512 (keccakx8, about 7× the throughput of one at a
// time), 4 with AVX2 (cloudflare/circl, about 1.7×), else 1 (go-ethereum's
// one-at-a-time assembly; circl's portable 4-way fallback is slower).
func bestWays() int {
	switch {
	case keccakx8.Enabled():
		return 8
	case simdAllowed && keccakf1600.IsEnabledX4():
		return 4
	}
	return 1
}

// multiHasher computes `ways` Keccak-256 hashes at once on interleaved
// Keccak-f[1600] states: lane j of state s is a[ways*j+s]. A tree build is
// nothing but short, independent hashes (the leaves of `ways` receipts, or
// `ways` nodes of a level), which is what SIMD permutations are for. A
// multiHasher is not safe for concurrent use.
type multiHasher struct {
	ways    int
	a       []uint64
	permute func()
	x8      keccakx8.State
	x4      keccakf1600.StateX4
	buf     [8][10 * 32]byte // the leaf encodings of up to 8 receipts
}

// newMultiHasher returns a hasher for ways 4 or 8, which the CPU must run
// (see bestWays).
func newMultiHasher(ways int) *multiHasher {
	h := &multiHasher{ways: ways}
	switch ways {
	case 8:
		h.a = h.x8[:]
		h.permute = h.x8.Permute
	case 4:
		h.a = h.x4.Initialize(false) // 24 rounds: Keccak-256 proper, not the 12-round variant
		h.permute = h.x4.Permute
	default:
		panic("merkle: a multi-way hasher needs 4 or 8 ways")
	}
	return h
}

// absorb XORs `lanes` lanes of each message, from byte off of its encoding,
// into the states (which must be zero before the first block).
func (h *multiHasher) absorb(off, lanes int) {
	w := h.ways
	for j := range lanes {
		o := off + 8*j
		for s := range w {
			h.a[w*j+s] ^= binary.LittleEndian.Uint64(h.buf[s][o:])
		}
	}
}

// pad XORs the Keccak padding of a final block whose message ends where
// lane `lane` starts into every state.
func (h *multiHasher) pad(lane int) {
	w := h.ways
	for s := range w {
		h.a[w*lane+s] ^= padFirst
		h.a[w*(rateLanes-1)+s] ^= padLast
	}
}

// out writes the 32-byte digest of state s (lanes 0..3, little-endian).
func (h *multiHasher) out(s int, d *common.Hash) {
	for j := range 4 {
		binary.LittleEndian.PutUint64(d[8*j:], h.a[h.ways*j+s])
	}
}

// leaves sets out[s] to the standard Merkle leaf of rs[s] for s < ways, the
// same value as hasher.leaf: keccak256(keccak256(abi.encode(fields))). The
// 320-byte encoding takes three permutations (136 + 136 + 48 bytes and the
// padding); the outer hash one more, and its message, the inner digest, is
// exactly lanes 0..3 of the state already, so it is hashed in place.
func (h *multiHasher) leaves(rs []metering.Receipt, out []common.Hash) {
	w := h.ways
	for s := range w {
		encodeLeaf(&h.buf[s], &rs[s])
	}
	clear(h.a)
	h.absorb(0, rateLanes)
	h.permute()
	h.absorb(8*rateLanes, rateLanes)
	h.permute()
	h.absorb(16*rateLanes, 6) // bytes 272..319
	h.pad(6)
	h.permute()
	clear(h.a[4*w:]) // keep lanes 0..3, the inner digests, as the next message
	h.pad(4)
	h.permute()
	for s := range w {
		h.out(s, &out[s])
	}
}

// pairs sets nodes[i+s] to keccak256 of the sorted pair of its children
// nodes[2(i+s)+1] and nodes[2(i+s)+2], for s < ways: consecutive inner nodes
// of one level.
func (h *multiHasher) pairs(nodes []common.Hash, i int) {
	w := h.ways
	clear(h.a)
	for s := range w {
		l, r := &nodes[2*(i+s)+1], &nodes[2*(i+s)+2]
		if bytes.Compare(l[:], r[:]) > 0 {
			l, r = r, l
		}
		for j := range 4 {
			h.a[w*j+s] = binary.LittleEndian.Uint64(l[8*j:])
			h.a[w*(j+4)+s] = binary.LittleEndian.Uint64(r[8*j:])
		}
	}
	h.pad(8)
	h.permute()
	for s := range w {
		h.out(s, &nodes[i+s])
	}
}

// encodeLeaf writes abi.encode of a valid receipt's fields into b (the body
// of its standard Merkle leaf), without allocating.
func encodeLeaf(b *[10 * 32]byte, r *metering.Receipt) {
	clear(b[:])
	copy(b[0:32], r.ID[:])
	copy(b[32+12:64], r.Model[:])
	copy(b[64:96], r.Payer[:])
	binary.BigEndian.PutUint64(b[96+24:128], r.Seq)
	binary.BigEndian.PutUint64(b[128+24:160], r.Timestamp)
	binary.BigEndian.PutUint32(b[160+28:192], r.PromptTokens)
	binary.BigEndian.PutUint32(b[192+28:224], r.CompletionTokens)
	r.Fee.FillBytes(b[224:256]) // Validate guarantees 0 <= fee < 2^256
	copy(b[256:288], r.RequestHash[:])
	copy(b[288:320], r.ResponseHash[:])
}
