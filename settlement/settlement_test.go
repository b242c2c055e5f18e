package settlement_test

import (
	"context"
	"errors"
	"testing"

	"github.com/imogate/imogate/settlement"
)

// TestSearchBatches checks the one binary search over contiguous batch
// ranges, used on store records and on the contract, at every seq of a
// history and just outside it, and that it stops on the batch it returns.
func TestSearchBatches(t *testing.T) {
	ranges := [][2]uint64{{1, 1}, {2, 5}, {6, 6}, {7, 100}, {101, 102}}
	for n := 0; n <= len(ranges); n++ {
		last := uint64(0)
		if n > 0 {
			last = ranges[n-1][1]
		}
		for seq := uint64(0); seq <= last+2; seq++ {
			var lastRead uint64
			id, found, err := settlement.SearchBatches(t.Context(), uint64(n), seq, func(_ context.Context, id uint64) (uint64, uint64, error) {
				if id >= uint64(n) {
					t.Fatalf("read batch %d of %d", id, n)
				}
				lastRead = id
				return ranges[id][0], ranges[id][1], nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := -1
			for i := 0; i < n; i++ {
				if ranges[i][0] <= seq && seq <= ranges[i][1] {
					want = i
				}
			}
			if (want >= 0) != found || (found && id != uint64(want)) {
				t.Fatalf("%d batches, seq %d: got (%d, %v), want batch %d", n, seq, id, found, want)
			}
			if found && lastRead != id {
				t.Fatalf("seq %d: last read batch %d, returned %d", seq, lastRead, id)
			}
		}
	}
	boom := errors.New("rpc down")
	if _, _, err := settlement.SearchBatches(t.Context(), 3, 2, func(context.Context, uint64) (uint64, uint64, error) { return 0, 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("error not passed on: %v", err)
	}
}
