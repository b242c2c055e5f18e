package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/spf13/cobra"

	"github.com/imogate/imogate/config"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/audit"
)

// auditFlags are the flags shared by the audit subcommands.
type auditFlags struct {
	rpc, settlement, operator, archive string
	fromBlock, blockRange              uint64
	json, noProgress                   bool
}

func newAuditCmd() *cobra.Command {
	f := &auditFlags{}
	c := &cobra.Command{
		Use:   "audit",
		Short: "Verify receipts, archived batches and on-chain settlements with only an RPC URL and the published files",
		Long: `Checks imogate's settlements independently of the gateway and Redis: it reads the chain
over JSON-RPC (--rpc) and the published batch archive (--archive, the directory the
batcher writes: <token>/<batchId>/{tree.json,receipts.ndjson,settlement.json}).

Each check prints PASS, FAIL or SKIP with what it found, then the result: PASS
(every check passed), FAIL (one failed) or INCOMPLETE (none failed but some
could not be made, e.g. without --archive, or a token that logs no revenue
events); --json prints the report as JSON. Exit status: 0 PASS, 1 FAIL,
2 INCOMPLETE.`,
	}
	pf := c.PersistentFlags()
	pf.StringVar(&f.rpc, "rpc", "", "JSON-RPC URL of a node of the settlement chain (required)")
	pf.StringVar(&f.settlement, "settlement", "", "UsageSettlement contract address (required)")
	pf.StringVar(&f.operator, "operator", "", "operator address: the account that settles the batches (required)")
	pf.StringVar(&f.archive, "archive", "", "batch archive directory (required by receipt and batch; with chain, also checks every archived batch's fees)")
	pf.Uint64Var(&f.fromBlock, "from-block", 0, "first block searched for events: at or before the operator's first settlement (the contract's deployment block is safe)")
	pf.Uint64Var(&f.blockRange, "block-range", 10_000, "most blocks per eth_getLogs query (some providers cap it)")
	pf.BoolVar(&f.json, "json", false, "print the report as JSON")
	pf.BoolVar(&f.noProgress, "no-progress", false, "do not show progress on stderr")
	for _, name := range []string{"rpc", "settlement", "operator"} {
		_ = c.MarkPersistentFlagRequired(name)
	}

	c.AddCommand(&cobra.Command{
		Use:   "receipt FILE",
		Short: "Verify one receipt: signature, on-chain signer of its batch, inclusion proof and root",
		Long: `FILE holds the receipt JSON or the Imogate-Receipt header value (base64 of it); "-" reads
stdin. Checks that the EIP-712 signature recovers the receipt's signer under this chain's
imogate domain, that the receipt's seq lies in a settled batch whose on-chain signer is
that signer (also via verifyReceiptSignature), and that the inclusion proof from the
archived tree verifies locally and via verifyReceipt against the root stored on-chain.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInput(cmd.InOrStdin(), args[0])
			if err != nil {
				return err
			}
			r, err := audit.ParseReceipt(data)
			if err != nil {
				return fmt.Errorf("read receipt %s: %w", args[0], err)
			}
			return f.run(cmd, true, func(a *audit.Auditor) (*audit.Report, error) { return a.Receipt(cmd.Context(), r) })
		},
	})

	c.AddCommand(&cobra.Command{
		Use:   "batch TOKEN ID",
		Short: "Verify one archived batch against the chain",
		Long: `Recomputes the root from tree.json's values and compares it with the on-chain root;
checks every receipt's signature, signer and domain; that receipts.ndjson holds exactly
the tree's values; that the seqs are exactly the on-chain firstSeq..lastSeq with no gap
or duplicate; that the fees add up to the value of the batch's Settled event; that
settlement.json names the transaction that emitted it and agrees with the chain; and that
the token received the deposit from the settlement contract in that transaction.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := parseAddress("TOKEN", args[0])
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil {
				return fmt.Errorf("batch ID %q is not a decimal integer", args[1])
			}
			return f.run(cmd, true, func(a *audit.Auditor) (*audit.Report, error) { return a.Batch(cmd.Context(), token, id) })
		},
	})

	c.AddCommand(&cobra.Command{
		Use:   "chain TOKEN",
		Short: "Walk every Settled event of the operator for a token and reconcile it with the chain",
		Long: `Reads every Settled event of (operator, TOKEN) from --from-block and checks: batch ids
0..n-1 contiguous; seq ranges contiguous from 1 with matching receipt counts; the
contract's nextBatchId and nextSeq; each event against getBatch. Then the revenue, an
exact check: the settlement contract sends ETH only in settle, for exactly the Settled
value, and imogate's ERC-7641 token logs each receipt of ETH as RevenueReceived(from,
amount); so the token's RevenueReceived events from the settlement contract must pair
one-to-one, per transaction and to the wei, with the non-zero Settled events of all
operators for the token. (The token's balance is not used: claims and burns move it and
anyone may send it ETH.) With --archive, every archived batch's fees and seqs are
checked against its event too.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := parseAddress("TOKEN", args[0])
			if err != nil {
				return err
			}
			return f.run(cmd, false, func(a *audit.Auditor) (*audit.Report, error) { return a.History(cmd.Context(), token) })
		},
	})
	return c
}

// run connects, runs one audit, prints its report and fails if any check
// failed.
func (f *auditFlags) run(cmd *cobra.Command, needArchive bool, do func(*audit.Auditor) (*audit.Report, error)) error {
	var errs []error
	settlement, err := parseAddress("--settlement", f.settlement)
	errs = append(errs, err)
	operator, err := parseAddress("--operator", f.operator)
	errs = append(errs, err)
	if needArchive && f.archive == "" {
		errs = append(errs, errors.New("--archive is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	var store archive.Store
	if f.archive != "" {
		st, err := os.Stat(f.archive)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("--archive %s is not a directory", f.archive)
		}
		if store, err = archive.NewDir(f.archive); err != nil {
			return err
		}
	}
	client, err := ethclient.DialContext(cmd.Context(), f.rpc)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", config.RedactURL(f.rpc), err)
	}
	defer client.Close()

	bar := newProgressBar(cmd.ErrOrStderr(), f.noProgress)
	a, err := audit.New(audit.Config{
		Chain: client, Settlement: settlement, Operator: operator, Archive: store,
		FromBlock: f.fromBlock, BlockRange: f.blockRange, Progress: bar.update,
	})
	if err != nil {
		return err
	}
	rep, err := do(a)
	bar.done()
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if f.json {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(out, rep)
	}
	if !rep.OK {
		return &exitError{code: 1, err: fmt.Errorf("audit failed: %s", strings.Join(rep.Failed(), ", "))}
	}
	if rep.Result == audit.Incomplete {
		return &exitError{code: 2, err: fmt.Errorf("audit incomplete: not checked: %s", strings.Join(rep.Skipped(), ", "))}
	}
	return nil
}

func printReport(w io.Writer, rep *audit.Report) {
	fmt.Fprintf(w, "audit %s: %s\n", rep.Kind, rep.Subject)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	failed := 0
	for _, c := range rep.Checks {
		if c.Status == audit.Fail {
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(string(c.Status)), c.Name, c.Detail)
	}
	_ = tw.Flush()
	if len(rep.Totals) > 0 {
		keys := make([]string, 0, len(rep.Totals))
		for k := range rep.Totals {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + rep.Totals[k]
		}
		fmt.Fprintf(w, "totals: %s\n", strings.Join(parts, " "))
	}
	switch rep.Result {
	case audit.Pass:
		fmt.Fprintf(w, "RESULT: PASS (%d checks)\n", len(rep.Checks))
	case audit.Incomplete:
		skipped := rep.Skipped()
		fmt.Fprintf(w, "RESULT: INCOMPLETE (%d of %d checks could not be made: %s; nothing failed, but what was not checked is not shown to hold)\n",
			len(skipped), len(rep.Checks), strings.Join(skipped, ", "))
	default:
		fmt.Fprintf(w, "RESULT: FAIL (%d of %d checks failed)\n", failed, len(rep.Checks))
	}
}

func parseAddress(name, s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("%s %q is not an address", name, s)
	}
	return common.HexToAddress(s), nil
}

func readInput(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// progressBar shows an audit's progress on stderr: on a terminal, one line
// rewritten with \r; otherwise, once the audit has run for quietFor, a line
// every logEvery and at the end of each phase, so short audits stay silent
// in logs.
type progressBar struct {
	w        io.Writer
	off, tty bool
	mu       sync.Mutex
	start    time.Time
	phase    string
	last     time.Time
	shown    bool
}

const (
	quietFor = 2 * time.Second
	logEvery = 5 * time.Second
)

func newProgressBar(w io.Writer, off bool) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, off: off, tty: tty}
}

func (p *progressBar) update(phase string, done, total uint64) {
	if p.off || total == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	newPhase := phase != p.phase
	final := done >= total
	if p.tty {
		if !newPhase && !final && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		if newPhase && p.shown {
			fmt.Fprintln(p.w)
		}
		const width = 30
		n := int(done * width / total)
		fmt.Fprintf(p.w, "\r%-24s [%s%s] %d/%d", phase, strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total)
		p.shown = true
	} else {
		if p.start.IsZero() {
			p.start = now
		}
		if now.Sub(p.start) < quietFor || (!final && now.Sub(p.last) < logEvery) {
			return
		}
		fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", phase, done, total, done*100/total)
	}
	p.phase, p.last = phase, now
}

// done ends the progress line.
func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
		p.shown = false
	}
}
