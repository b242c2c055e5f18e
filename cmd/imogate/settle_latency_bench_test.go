package main

import (
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/merkle"
)

// BenchmarkSettlementLatencyDefaults measures end-to-end settlement latency
// (a receipt issued → its batch settled and archived) at the production
// cadence: `imogate serve` with the batcher's defaults (seal at 10,000
// receipts or 60 s, 2 confirmations, 2 s polls) against a real geth --dev
// node mining a block every 12 s, like Ethereum mainnet, under a steady 10
// paid calls per second for 150 s. It takes about five minutes:
//
//	go test ./cmd/imogate -run '^$' -bench SettlementLatencyDefaults -benchtime 1x -timeout 30m
//
// Latency per receipt is the time its batch's settlement.json appeared in
// the archive (polled every 100 ms; the batcher writes it once the settle
// transaction is confirmed) minus the receipt's timestamp.
func BenchmarkSettlementLatencyDefaults(b *testing.B) {
	const (
		blockPeriod = "12"
		rate        = 10 // paid calls per second
		duration    = 150 * time.Second
	)
	for b.Loop() {
		url := startGethDev(b, "--dev.period", blockPeriod)
		operator, _ := crypto.GenerateKey()
		signer, _ := crypto.GenerateKey()
		ether := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
		fund(b, url, crypto.PubkeyToAddress(operator.PublicKey), new(big.Int).Mul(big.NewInt(10), ether))
		settlementAddr, token := deployWithCLI(b, url, operator, signer, "--token-name", "Latency", "--token-symbol", "LAT")

		// The batcher's settings are all left at their defaults.
		p, archiveDir := startSettlingGateway(b, url, operator, signer, settlementAddr, token, 16, "")
		_, secret := p.newKey(1_000_000_000_000_000)

		// Watch the archive for settled batches while the calls run.
		settledAt := map[uint64]time.Time{}
		var mu sync.Mutex
		stop := make(chan struct{})
		watched := make(chan struct{})
		stopWatching := sync.OnceFunc(func() { close(stop); <-watched })
		defer stopWatching()
		go func() {
			defer close(watched)
			for next := uint64(0); ; {
				if _, err := os.Stat(filepath.Join(archiveDir, archive.BatchPath(token, next, archive.SettlementFile))); err == nil {
					mu.Lock()
					settledAt[next] = time.Now()
					mu.Unlock()
					next++
					continue
				}
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}()

		issued := map[common.Hash]time.Time{} // receipt id → its timestamp
		tick := time.NewTicker(time.Second / rate)
		end := time.Now().Add(duration)
		var wg sync.WaitGroup
		for time.Now().Before(end) {
			<-tick.C
			wg.Go(func() {
				body := `{"model":"demo","messages":[{"role":"user","content":"latency"}]}`
				req, _ := http.NewRequest("POST", p.base+"/v1/chat/completions", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+secret)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				rc, err := metering.ParseHeader(resp.Header.Get("Imogate-Receipt"))
				if err != nil {
					b.Errorf("status %d: %v", resp.StatusCode, err)
					return
				}
				mu.Lock()
				issued[rc.ID] = time.UnixMilli(int64(rc.Timestamp))
				mu.Unlock()
			})
		}
		tick.Stop()
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}

		// Every receipt settles: the last batch seals when its oldest receipt
		// is 60 s old, then two confirmations of 12 s blocks.
		var lat []time.Duration
		dir, err := archive.NewDir(archiveDir)
		if err != nil {
			b.Fatal(err)
		}
		for id := uint64(0); len(lat) < len(issued); id++ {
			waitFor(b, fmt.Sprintf("batch %d to settle", id), 4*time.Minute, func() bool {
				mu.Lock()
				defer mu.Unlock()
				_, ok := settledAt[id]
				return ok
			})
			dump, err := dir.Get(b.Context(), archive.BatchPath(token, id, archive.TreeFile))
			if err != nil {
				b.Fatal(err)
			}
			tree, err := merkle.LoadReceiptTree(dump)
			if err != nil {
				b.Fatal(err)
			}
			mu.Lock()
			at := settledAt[id]
			mu.Unlock()
			for _, r := range tree.Receipts() {
				ts, ok := issued[r.ID]
				if !ok {
					b.Fatalf("batch %d holds a receipt no client got", id)
				}
				lat = append(lat, at.Sub(ts))
			}
			b.Logf("batch %d: %d receipts, settled %s after its first", id, tree.Len(), lat[len(lat)-tree.Len()].Round(100*time.Millisecond))
		}
		stopWatching()
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[int(float64(len(lat)-1)*p)] }
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		b.ReportMetric(q(0).Seconds(), "min-s")
		b.ReportMetric(q(0.5).Seconds(), "p50-s")
		b.ReportMetric(q(0.99).Seconds(), "p99-s")
		b.ReportMetric(lat[len(lat)-1].Seconds(), "max-s")
		b.ReportMetric((sum / time.Duration(len(lat))).Seconds(), "mean-s")
		b.ReportMetric(float64(len(lat)), "receipts")
	}
}
