package redisstore_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
)

// BenchmarkReserveCommit is the metering hot path of one paid call as the
// gateway runs it: the reserve script, the commit script (two round trips to
// Redis) and signing the receipt. Signatures are stored behind the hot path
// in pipelined batches (gateway/sigwriter.go); here every 64th call flushes
// 64 of them, as the writer does under load.
func BenchmarkReserveCommit(b *testing.B) {
	f := newFixture(b)
	key, _ := crypto.GenerateKey()
	signer := metering.NewSigner(key, metering.NewDomain(big.NewInt(1337), f.token))
	if _, err := f.st.Credit(b.Context(), f.token, "bench", 1<<62); err != nil {
		b.Fatal(err)
	}
	pending := make(chan metering.SignatureWrite, 4096)
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
		pending <- metering.SignatureWrite{Token: rc.Model, Seq: rc.Seq, Sig: sig}
		if len(pending) >= 64 {
			batch := make([]metering.SignatureWrite, 0, 64)
			for len(pending) > 0 && len(batch) < 64 {
				batch = append(batch, <-pending)
			}
			if err := f.st.SetSignatures(b.Context(), batch); err != nil {
				b.Fatal(err)
			}
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
