package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/redisstore"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/onchain"
)

// report is the run's outcome: the figures RELIABILITY.md records.
type report struct {
	Topology   string `json:"topology"`
	Durability string `json:"durability"`
	Gateways   int    `json:"gateways"`
	Settlers   int    `json:"settlers"`
	Cycles     int    `json:"cycles"`
	Kills      []kill `json:"kills"`

	Calls                 int `json:"calls"`
	Acknowledged          int `json:"acknowledged"`            // calls that ended with a receipt in the client's hands
	Unanswered            int `json:"unanswered"`              // calls that got no final answer after every retry
	ContentWithoutReceipt int `json:"content_without_receipt"` // streams cut by a gateway kill before their receipt
	// ChargedNoReceiptInHand: calls without a receipt in the client's hands
	// that were charged under a receipt id the gateway named to it
	// (Imogate-Receipt-Id), which the client can look up.
	ChargedNoReceiptInHand int            `json:"charged_no_receipt_in_hand"`
	UnansweredLast         map[string]int `json:"unanswered_last,omitempty"` // the last answer of unanswered calls

	ReceiptsLost   int `json:"receipts_lost"`    // receipts a client holds that are in no settled batch
	PaidTwice      int `json:"paid_twice"`       // one call charged under two receipts, or one receipt in two places
	SeqsReissued   int `json:"seqs_reissued"`    // two different receipts with one (model, seq)
	SeqGaps        int `json:"seq_gaps"`         // seqs missing from the settled batches
	HoldsLeft      int `json:"holds_left"`       // credit holds still open after the sweep
	Settled        int `json:"settled"`          // receipts in settled batches
	Batches        int `json:"batches"`          // settled batches
	UnsettledAtEnd int `json:"unsettled_at_end"` // receipts in Redis that did not settle before the deadline

	MeteringHalts   int      `json:"metering_halts"`         // "METERING HALTED" lines in the gateways' logs
	SettlementHalts int      `json:"settlement_halts"`       // "SETTLEMENT HALTED" lines in the settlers' logs
	HaltReasons     []string `json:"halt_reasons,omitempty"` // the distinct errors of those lines (a few)

	DebitWei     string   `json:"debit_wei"`     // Σ credit − Σ final balances
	FeesWei      string   `json:"fees_wei"`      // Σ fees of the settled receipts
	DepositedWei string   `json:"deposited_wei"` // Σ value of the Settled events
	TokensWei    string   `json:"tokens_wei"`    // Σ ETH balance of the tokens
	Problems     []string `json:"problems"`
	OK           bool     `json:"ok"`
	// Expected (durability none only): not OK, but as that mode promises:
	// receipts lost in a host crash, no seq issued twice, the loss halted
	// metering or settlement loudly.
	Expected bool   `json:"expected,omitempty"`
	Duration string `json:"duration"`
	Drain    string `json:"drain"` // from the end of the load to reconciled
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\nimogate-chaos: %s Redis, durability %s, %d gateways, %d settlers, %d kill cycles (%s, drain %s)\n",
		r.Topology, r.Durability, r.Gateways, r.Settlers, r.Cycles, r.Duration, r.Drain)
	count := map[string]int{}
	for _, k := range r.Kills {
		kind := strings.Fields(k.Target)[0]
		if strings.HasPrefix(kind, "gateway") {
			kind = "gateway"
		} else if strings.HasPrefix(kind, "settler") {
			kind = "settler"
		}
		count[kind]++
	}
	fmt.Fprintf(w, "  kills: %d gateway, %d settler, %d redis\n", count["gateway"], count["settler"], count["redis"])
	fmt.Fprintf(w, "  calls %d, acknowledged with a receipt %d, unanswered %d, content cut by a gateway kill before its receipt %d\n",
		r.Calls, r.Acknowledged, r.Unanswered, r.ContentWithoutReceipt)
	fmt.Fprintf(w, "  without a receipt in hand but charged under a receipt id the gateway named: %d; unanswered calls' last answers: %v\n",
		r.ChargedNoReceiptInHand, r.UnansweredLast)
	fmt.Fprintf(w, "  settled %d receipts in %d batches; unsettled at the end %d\n", r.Settled, r.Batches, r.UnsettledAtEnd)
	fmt.Fprintf(w, "  receipts lost %d, paid twice %d, seqs reissued %d, seq gaps %d, holds left %d\n",
		r.ReceiptsLost, r.PaidTwice, r.SeqsReissued, r.SeqGaps, r.HoldsLeft)
	fmt.Fprintf(w, "  wei: debited %s, receipt fees %s, deposited %s, tokens hold %s\n", r.DebitWei, r.FeesWei, r.DepositedWei, r.TokensWei)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  PROBLEM: %s\n", p)
	}
	fmt.Fprintf(w, "  halts logged: metering %d, settlement %d\n", r.MeteringHalts, r.SettlementHalts)
	for _, h := range r.HaltReasons {
		fmt.Fprintf(w, "    halted: %s\n", h)
	}
	verdict := "PASS"
	switch {
	case r.Expected:
		verdict = "LOSS, AS EXPECTED WITHOUT DURABILITY (no seq reissued; the loss halted metering or settlement loudly)"
	case !r.OK:
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "RESULT: %s\n", verdict)
}

func (r *report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// reconcile restarts whatever is down, lets settlement drain and the
// sweepers run, then checks every invariant from the outside: the clients'
// records, the chain, the archive and Redis.
func (w *world) reconcile(ctx context.Context, calls []*callRecord, kills []kill) (*report, error) {
	drainStart := time.Now()
	rep := &report{Topology: w.o.topology, Durability: w.o.durability, Gateways: w.o.gateways, Settlers: w.o.settlers,
		Cycles: len(kills), Kills: kills, Calls: len(calls)}
	if w.redis.cluster {
		_ = w.redis.waitClusterOK(ctx, 30*time.Second)
	}
	rdb := w.redis.client()
	defer rdb.Close()
	st := redisstore.New(rdb, nil)
	ec, err := ethclient.DialContext(ctx, w.rpcURL)
	if err != nil {
		return nil, err
	}
	defer ec.Close()
	reader := onchain.NewReader(ec, w.settlement, w.operator)

	// Drain: every receipt in Redis settled and archived (bounded: 3
	// minutes, or 90 s without progress, as when metering halted: longer
	// than the batcher's longest backoff, 60 s, so a step that failed a few
	// times in a row is tried again before the run gives up on it).
	deadline := time.Now().Add(3 * time.Minute)
	lastPending, progressAt := -1, time.Now()
	for {
		pending := 0
		for _, t := range w.tokens {
			last, err := st.LastSeq(ctx, t)
			ch, cerr := reader.Channel(ctx, t)
			cur, aerr := st.ArchiveCursor(ctx, t)
			if err != nil || cerr != nil || aerr != nil {
				pending++
				continue
			}
			if last > ch.NextSeq-1 {
				pending += int(last - (ch.NextSeq - 1))
			}
			if cur < ch.NextBatchID {
				pending++
			}
		}
		if pending != lastPending {
			lastPending, progressAt = pending, time.Now()
		}
		if pending == 0 || time.Now().After(deadline) || time.Since(progressAt) > 90*time.Second {
			rep.UnsettledAtEnd = pending
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	var reasons []string
	rep.MeteringHalts, reasons = haltLines(filepath.Join(w.dir, "gateway-*.log"), "METERING HALTED")
	rep.HaltReasons = append(rep.HaltReasons, reasons...)
	rep.SettlementHalts, reasons = haltLines(filepath.Join(w.dir, "settler-*.log"), "SETTLEMENT HALTED")
	rep.HaltReasons = append(rep.HaltReasons, reasons...)
	// Holds: every hold released by a sweeper (the model's timeout 5 s plus
	// the 2 s grace, plus a sweep).
	holdsDeadline := time.Now().Add(30 * time.Second)
	for {
		open := int64(0)
		for _, t := range w.tokens {
			n, _ := st.OpenReservations(ctx, t)
			open += n
		}
		rep.HoldsLeft = int(open)
		if open == 0 || time.Now().After(holdsDeadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}

	// The settled receipts, from the archive and the chain.
	byID := map[common.Hash][]metering.SignedReceipt{}
	fees, deposited, tokens := new(big.Int), new(big.Int), new(big.Int)
	for _, t := range w.tokens {
		ch, err := reader.Channel(ctx, t)
		if err != nil {
			return nil, err
		}
		next := uint64(1)
		for id := uint64(0); id < ch.NextBatchID; id++ {
			rep.Batches++
			b, err := archive.Read(ctx, archiveStore(w.archive), t, id)
			if err != nil {
				rep.problem("token %s batch %d: not in the archive: %v", t.Hex(), id, err)
				continue
			}
			for _, r := range b.Receipts {
				if r.Seq != next {
					rep.SeqGaps++
					rep.problem("token %s: seq %d where %d was expected", t.Hex(), r.Seq, next)
				}
				next = r.Seq + 1
				byID[r.ID] = append(byID[r.ID], r)
				fees.Add(fees, r.Fee)
				rep.Settled++
			}
		}
		evs, err := ec.FilterLogs(ctx, onchain.SettledQuery(w.settlement, &w.operator, t, nil))
		if err != nil {
			return nil, err
		}
		for i := range evs {
			ev, err := onchain.SettlementABI.UnpackSettledEvent(&evs[i])
			if err != nil {
				return nil, err
			}
			deposited.Add(deposited, ev.Value)
		}
		bal, err := ec.BalanceAt(ctx, t, nil)
		if err != nil {
			return nil, err
		}
		tokens.Add(tokens, bal)
	}
	for id, rs := range byID {
		if len(rs) > 1 {
			rep.PaidTwice++
			rep.problem("receipt %s is in %d settled places", id.Hex(), len(rs))
		}
	}

	// The ledger in Redis.
	debit := new(big.Int)
	for acct, byTok := range w.credits {
		for t, credit := range byTok {
			bal, err := st.Balance(ctx, t, acct)
			if err != nil {
				return nil, err
			}
			debit.Add(debit, big.NewInt(credit-bal))
		}
	}
	rep.DebitWei, rep.FeesWei, rep.DepositedWei, rep.TokensWei = debit.String(), fees.String(), deposited.String(), tokens.String()
	if debit.Cmp(fees) != 0 {
		rep.problem("debited %s wei, but the settled receipts' fees are %s", debit, fees)
	}
	if fees.Cmp(deposited) != 0 {
		rep.problem("settled fees %s wei, deposited %s", fees, deposited)
	}
	if deposited.Cmp(tokens) != 0 {
		rep.problem("deposited %s wei, the tokens hold %s", deposited, tokens)
	}

	// What the clients hold.
	bySeq := map[string]map[common.Hash]bool{}
	for _, c := range calls {
		switch {
		case c.receipt != nil:
			rep.Acknowledged++
			r := c.receipt
			k := fmt.Sprintf("%s/%d", r.Model.Hex(), r.Seq)
			if bySeq[k] == nil {
				bySeq[k] = map[common.Hash]bool{}
			}
			bySeq[k][r.ID] = true
			got, ok := byID[r.ID]
			if !ok {
				rep.ReceiptsLost++
				if rep.ReceiptsLost <= 5 {
					rep.problem("receipt %s (seq %d), held by a client, is in no settled batch", r.ID.Hex(), r.Seq)
				}
				continue
			}
			if got[0].Leaf() != r.Leaf() {
				rep.problem("receipt %s: the settled copy differs from the client's", r.ID.Hex())
			}
		case c.content:
			rep.ContentWithoutReceipt++
		default:
			rep.Unanswered++
			if rep.UnansweredLast == nil {
				rep.UnansweredLast = map[string]int{}
			}
			rep.UnansweredLast[c.last]++
		}
		// One call (one Idempotency-Key): one receipt id at most.
		distinct := map[string]bool{}
		for _, rid := range c.rids {
			distinct[rid] = true
		}
		charged := 0
		for rid := range distinct {
			if _, ok := byID[common.HexToHash(rid)]; ok {
				charged++
			}
		}
		if c.receipt == nil && charged == 1 {
			rep.ChargedNoReceiptInHand++
		}
		if charged > 1 {
			rep.PaidTwice++
			rep.problem("call %s was charged under %d receipts", c.key, charged)
		}
	}
	for k, ids := range bySeq {
		if len(ids) > 1 {
			rep.SeqsReissued += len(ids) - 1
			if rep.SeqsReissued <= 5 {
				rep.problem("%s was issued to %d different receipts", k, len(ids))
			}
		}
	}
	if rep.HoldsLeft > 0 {
		rep.problem("%d holds still open after the sweep", rep.HoldsLeft)
	}
	if rep.UnsettledAtEnd > 0 {
		rep.problem("%d receipts (or archive steps) did not settle before the deadline", rep.UnsettledAtEnd)
	}
	rep.OK = len(rep.Problems) == 0
	if w.o.durability == "none" && !rep.OK {
		// Without durability a host crash loses receipts: what must hold is
		// that no seq is issued twice and that the loss is loud.
		rep.Expected = rep.SeqsReissued == 0 && rep.PaidTwice == 0 && (rep.ReceiptsLost == 0 || rep.MeteringHalts+rep.SettlementHalts > 0)
	}
	rep.Duration = time.Since(w.started).Round(time.Second).String()
	rep.Drain = time.Since(drainStart).Round(time.Second).String()
	sort.Strings(rep.Problems)
	return rep, nil
}

func archiveStore(dir string) archive.Store {
	d, err := archive.NewDir(dir)
	if err != nil {
		return errStore{err}
	}
	return d
}

// errStore is an archive that cannot be read.
type errStore struct{ err error }

func (e errStore) Put(context.Context, string, []byte) error { return e.err }
func (e errStore) Get(context.Context, string) ([]byte, error) {
	return nil, errors.Join(e.err, archive.ErrNotFound)
}

// haltLines counts the log lines containing marker in the files matching
// pattern, and returns the distinct "err" fields of the first few.
func haltLines(pattern, marker string) (int, []string) {
	files, _ := filepath.Glob(pattern)
	n := 0
	seen := map[string]bool{}
	var reasons []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			if !bytes.Contains(line, []byte(marker)) {
				continue
			}
			n++
			var v struct {
				Err   string `json:"err"`
				Model string `json:"model"`
				Token string `json:"token"`
			}
			_ = json.Unmarshal(line, &v)
			r := strings.TrimSpace(filepath.Base(f) + ": " + v.Model + v.Token + " " + v.Err)
			if !seen[r] && len(reasons) < 5 {
				seen[r] = true
				reasons = append(reasons, r)
			}
		}
	}
	return n, reasons
}
