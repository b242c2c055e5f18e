package keccakx8

import (
	"bytes"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// reference is Keccak-f[1600] transcribed from FIPS 202 (theta, rho, pi,
// chi, iota on a [5][5] array of lanes), written for clarity, not speed.
func reference(a *[25]uint64) {
	rc := [24]uint64{
		0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
		0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
		0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
		0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
		0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
		0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
	}
	for round := range 24 {
		var c, d [5]uint64
		for x := range 5 {
			c[x] = a[x] ^ a[x+5] ^ a[x+10] ^ a[x+15] ^ a[x+20]
		}
		for x := range 5 {
			d[x] = c[(x+4)%5] ^ bits.RotateLeft64(c[(x+1)%5], 1)
		}
		for i := range 25 {
			a[i] ^= d[i%5]
		}
		// rho and pi: the lane at (x, y) moves to (y, 2x+3y), rotated by
		// the offset of step t, where (x, y) walks from (1, 0).
		var b [25]uint64
		b[0] = a[0]
		x, y := 1, 0
		for t := range 24 {
			r := ((t + 1) * (t + 2) / 2) % 64
			nx, ny := y, (2*x+3*y)%5
			b[nx+5*ny] = bits.RotateLeft64(a[x+5*y], r)
			x, y = nx, ny
		}
		for y := range 5 {
			for x := range 5 {
				a[x+5*y] = b[x+5*y] ^ (^b[(x+1)%5+5*y] & b[(x+2)%5+5*y])
			}
		}
		a[0] ^= rc[round]
	}
}

// requireEnabled skips a test of the permutation where it cannot run (no
// AVX-512, another architecture, the purego tag): there the tree uses the
// other hashers, which settlement/merkle tests on their own. Where the CPU
// has AVX-512, scripts/test.sh sets IMOGATE_REQUIRE_AVX512=1, so that a
// permutation that fails to enable there fails the run instead.
func requireEnabled(t testing.TB) {
	t.Helper()
	if !Enabled() {
		if os.Getenv("IMOGATE_REQUIRE_AVX512") != "" {
			t.Fatal("IMOGATE_REQUIRE_AVX512 is set but the 8-way AVX-512 permutation is not enabled on this machine")
		}
		t.Skip("no AVX-512 here (or built with purego): the 8-way permutation does not run on this machine")
	}
}

// TestZeroState checks the permutation of the all-zero state against the
// Keccak team's published intermediate values (KeccakF-1600, first lanes).
func TestZeroState(t *testing.T) {
	requireEnabled(t)
	var s State
	s.Permute()
	want := []uint64{0xF1258F7940E1DDE7, 0x84D5CCF933C0478A, 0xD598261EA65AA9EE, 0xBD1547306F80494D}
	for st := range 8 {
		for j, w := range want {
			if got := s[8*j+st]; got != w {
				t.Fatalf("state %d lane %d = %#016x, want %#016x", st, j, got, w)
			}
		}
	}
}

// TestMatchesReference permutes eight random states at once, repeatedly,
// and compares every lane with the reference applied to each alone.
func TestMatchesReference(t *testing.T) {
	requireEnabled(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 200 {
		var s State
		var ref [8][25]uint64
		for st := range 8 {
			for j := range 25 {
				v := rng.Uint64()
				ref[st][j] = v
				s[8*j+st] = v
			}
		}
		for range 1 + iter%3 { // chained permutations, as in a sponge
			s.Permute()
			for st := range 8 {
				reference(&ref[st])
			}
		}
		for st := range 8 {
			for j := range 25 {
				if s[8*j+st] != ref[st][j] {
					t.Fatalf("iteration %d: state %d lane %d = %#016x, want %#016x", iter, st, j, s[8*j+st], ref[st][j])
				}
			}
		}
	}
}

// TestGeneratedFileIsCurrent regenerates the assembly and requires it to be
// byte-identical to the committed keccakx8_amd64.s.
func TestGeneratedFileIsCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "keccakx8_amd64.s")
	cmd := exec.CommandContext(t.Context(), "go", "run", "gen.go", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("keccakx8_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("keccakx8_amd64.s differs from what gen.go writes: run go generate in settlement/merkle/internal/keccakx8 and commit the result")
	}
}

func BenchmarkPermute(b *testing.B) {
	requireEnabled(b)
	var s State
	b.SetBytes(8 * 200)
	for b.Loop() {
		s.Permute()
	}
}
