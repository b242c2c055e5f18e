package redisstore_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
)

// BenchmarkReserveCommit is the metering hot path of one paid call: the
// reserve script, the commit script, and the signature write (three round
// trips to Redis), plus signing.
func BenchmarkReserveCommit(b *testing.B) {
	f := newFixture(b)
	key, _ := crypto.GenerateKey()
	signer := metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), f.token))
	if _, err := f.st.Credit(b.Context(), f.token, "bench", 1<<62); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B) {
		r, _, err := f.st.Reserve(b.Context(), metering.ReserveRequest{Token: f.token, Account: "bench", ReceiptID: randomID(b), Amount: 10_000, TTL: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		rc, err := f.st.Commit(b.Context(), metering.CommitRequest{Reservation: *r, ModelName: "m", Hour: 1,
			Receipt: metering.Receipt{Timestamp: 1, PromptTokens: 10, CompletionTokens: 20, Fee: big.NewInt(7_000)}})
		if err != nil {
			b.Fatal(err)
		}
		sig, err := signer.Sign(&rc)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.st.SetSignature(b.Context(), rc.Model, rc.Seq, sig); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			run(b)
		}
	})
	b.Run("parallel64", func(b *testing.B) {
		b.SetParallelism(32) // 32 × GOMAXPROCS(2) = 64 concurrent callers
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				run(b)
			}
		})
	})
}
