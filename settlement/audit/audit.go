// Package audit checks imogate's settlements with nothing but a JSON-RPC
// node and the published files: a receipt against its signature, its
// on-chain batch and its Merkle proof; an archived batch against the chain;
// and an operator's whole settlement history for a token against the
// contract's state and the revenue the token received. No Redis and no
// gateway are involved.
//
// Every audit returns a Report of named checks, each passed, failed or
// skipped with a one-line detail that names the problem. A returned error
// means the audit could not run (the node failed, say); a dishonest or
// broken settlement is a Report with failed checks, never an error.
package audit

import (
	"context"
	"errors"
	"fmt"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/imogate/imogate/settlement/contracts"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/contracts/bindings"
	"github.com/imogate/imogate/settlement/onchain"
)

// Chain is what an audit reads from a node. *ethclient.Client and
// simulated.Client implement it. FilterLogs must return logs in chain order.
type Chain interface {
	ChainID(ctx context.Context) (*big.Int, error)
	BlockNumber(ctx context.Context) (uint64, error)
	CallContract(ctx context.Context, call ethereum.CallMsg, blockNumber *big.Int) ([]byte, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

// Config says what to audit against.
type Config struct {
	// Chain is the node to read. Required.
	Chain Chain
	// Settlement is the UsageSettlement contract. Required.
	Settlement common.Address
	// Operator is the account that settles the batches. Required.
	Operator common.Address
	// Archive holds the published batch files. Required by Receipt and
	// Batch; optional for History, which then also checks every archived
	// batch's fee sum against its deposit.
	Archive archive.Store
	// FromBlock is the first block searched for events. It must be at or
	// before the operator's first settlement for the token (the contract's
	// deployment block is always safe); zero means genesis.
	FromBlock uint64
	// BlockRange is the most blocks one log query spans; some providers cap
	// it. Zero means 10,000.
	BlockRange uint64
	// Progress, if set, is told how far a long audit has got: done of total
	// steps of the named phase. It is called from the auditing goroutine.
	Progress func(phase string, done, total uint64)
}

// Validate reports every problem with the configuration at once.
func (c *Config) Validate() error {
	var errs []error
	if c.Chain == nil {
		errs = append(errs, errors.New("chain client is required"))
	}
	if c.Settlement == (common.Address{}) {
		errs = append(errs, errors.New("settlement contract address is required"))
	}
	if c.Operator == (common.Address{}) {
		errs = append(errs, errors.New("operator address is required"))
	}
	return errors.Join(errs...)
}

// Auditor runs audits for one (settlement contract, operator).
type Auditor struct {
	cfg    Config
	reader *onchain.Reader
}

// New returns an Auditor for cfg.
func New(cfg Config) (*Auditor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("audit config: %w", err)
	}
	if cfg.BlockRange == 0 {
		cfg.BlockRange = 10_000
	}
	return &Auditor{cfg: cfg, reader: onchain.NewReader(cfg.Chain, cfg.Settlement, cfg.Operator)}, nil
}

// Status is the outcome of one check.
type Status string

// Check outcomes. A skipped check could not apply (its input is missing or
// an earlier check failed): it fails nothing, but an audit with one is
// incomplete, never a pass — what was not checked was not shown to hold.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// An audit's result: Pass (every check passed), Fail (one failed) or
// Incomplete (none failed, some were skipped).
const Incomplete Status = "incomplete"

// Check is one named check of an audit.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// Report is the result of one audit: its subject, its checks in the order
// run, and totals (integers as decimal strings).
type Report struct {
	Kind    string            `json:"kind"` // "receipt", "batch" or "chain"
	Subject string            `json:"subject"`
	OK      bool              `json:"ok"`     // no check failed
	Result  Status            `json:"result"` // pass, fail or incomplete
	Checks  []Check           `json:"checks"`
	Totals  map[string]string `json:"totals,omitempty"`
}

func newReport(kind, subject string) *Report {
	return &Report{Kind: kind, Subject: subject, OK: true, Result: Pass, Checks: []Check{}}
}

func (r *Report) add(name string, s Status, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Status: s, Detail: fmt.Sprintf(format, args...)})
	switch {
	case s == Fail:
		r.OK, r.Result = false, Fail
	case s == Skip && r.Result == Pass:
		r.Result = Incomplete
	}
}

// Skipped returns the names of the skipped checks.
func (r *Report) Skipped() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == Skip {
			out = append(out, c.Name)
		}
	}
	return out
}

// CheckSettlementCode is the check that the settlement address holds the
// UsageSettlement contract this build of imogate knows.
const CheckSettlementCode = "settlement code"

// checkSettlementCode compares the code at the settlement address with the
// UsageSettlement runtime bytecode: an audit against any other contract (a
// look-alike that emits the same events, a wrong address) proves nothing,
// so it reports false and the audit stops there.
func (a *Auditor) checkSettlementCode(ctx context.Context, rep *Report) (bool, error) {
	code, err := a.cfg.Chain.CodeAt(ctx, a.cfg.Settlement, nil)
	if err != nil {
		return false, fmt.Errorf("read the settlement contract's code: %w", err)
	}
	switch {
	case len(code) == 0:
		rep.fail(CheckSettlementCode, "%s holds no contract", a.cfg.Settlement)
	case !contracts.IsUsageSettlement(code):
		rep.fail(CheckSettlementCode, "%s holds code with hash %s, not UsageSettlement (code hash %s without its immutables): another contract, or one built by another imogate version",
			a.cfg.Settlement, crypto.Keccak256Hash(code), contracts.UsageSettlementCodeHash())
	default:
		rep.pass(CheckSettlementCode, "%s holds UsageSettlement (code hash %s without its immutables)", a.cfg.Settlement, contracts.UsageSettlementCodeHash())
		return true, nil
	}
	return false, nil
}

func (r *Report) pass(name, format string, args ...any) { r.add(name, Pass, format, args...) }
func (r *Report) fail(name, format string, args ...any) { r.add(name, Fail, format, args...) }
func (r *Report) skip(name, format string, args ...any) { r.add(name, Skip, format, args...) }

// check passes name if ok, else fails it with the detail.
func (r *Report) check(name string, ok bool, passDetail, failDetail string) {
	if ok {
		r.pass(name, "%s", passDetail)
	} else {
		r.fail(name, "%s", failDetail)
	}
}

func (r *Report) total(name string, v any) {
	if r.Totals == nil {
		r.Totals = map[string]string{}
	}
	r.Totals[name] = fmt.Sprint(v)
}

// Find returns the check called name, or nil.
func (r *Report) Find(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// Failed returns the names of the failed checks.
func (r *Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c.Name)
		}
	}
	return out
}

func (a *Auditor) progress(phase string, done, total uint64) {
	if a.cfg.Progress != nil {
		a.cfg.Progress(phase, done, total)
	}
}

// filterLogs runs q over blocks from..to (to 0: the head) in BlockRange
// chunks, reporting progress under phase.
func (a *Auditor) filterLogs(ctx context.Context, phase string, from, to uint64, q ethereum.FilterQuery) ([]types.Log, error) {
	head := to
	if head == 0 {
		var err error
		if head, err = a.cfg.Chain.BlockNumber(ctx); err != nil {
			return nil, fmt.Errorf("read block number: %w", err)
		}
	}
	var out []types.Log
	start := from
	span := head - min(from, head) + 1
	for from <= head {
		to := min(head, from+a.cfg.BlockRange-1)
		q.FromBlock, q.ToBlock = new(big.Int).SetUint64(from), new(big.Int).SetUint64(to)
		logs, err := a.cfg.Chain.FilterLogs(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("read logs of blocks %d..%d: %w", from, to, err)
		}
		for _, l := range logs {
			if !l.Removed {
				out = append(out, l)
			}
		}
		a.progress(phase, to-start+1, span)
		from = to + 1
	}
	return out, nil
}

// settledEvents returns the Settled events of (operator, token), or of
// every operator for token when allOperators is set, optionally of one
// batch id, in blocks from..to (to 0: the head).
func (a *Auditor) settledEvents(ctx context.Context, token common.Address, allOperators bool, id *uint64, from, to uint64) ([]settled, error) {
	op := &a.cfg.Operator
	if allOperators {
		op = nil
	}
	logs, err := a.filterLogs(ctx, "Settled events", from, to, onchain.SettledQuery(a.cfg.Settlement, op, token, id))
	if err != nil {
		return nil, err
	}
	out := make([]settled, 0, len(logs))
	for i := range logs {
		ev, err := onchain.SettlementABI.UnpackSettledEvent(&logs[i])
		if err != nil {
			return nil, fmt.Errorf("decode Settled event in tx %s: %w", logs[i].TxHash, err)
		}
		out = append(out, settled{UsageSettlementSettled: ev, log: logs[i]})
	}
	return out, nil
}

// settled is a decoded Settled event with its log.
type settled struct {
	*bindings.UsageSettlementSettled
	log types.Log
}

// revenueInTx returns the RevenueReceived events the token emitted in the
// transaction with from = the settlement contract, in log order.
func (a *Auditor) revenueInTx(rcpt *types.Receipt, token common.Address) []*big.Int {
	var out []*big.Int
	for _, l := range rcpt.Logs {
		if l.Address != token || len(l.Topics) != 2 || l.Topics[0] != onchain.RevenueTopic || l.Topics[1] != common.BytesToHash(a.cfg.Settlement[:]) {
			continue
		}
		if ev, err := onchain.TokenABI.UnpackRevenueReceivedEvent(l); err == nil {
			out = append(out, ev.Amount)
		}
	}
	return out
}

// domainProblem describes how d differs from imogate's domain on this chain
// and contract ("" if it does not).
func domainProblem(d metering.Domain, chainID *big.Int, contract common.Address) string {
	want := metering.NewDomain(chainID, contract)
	switch {
	case d.Name != want.Name || d.Version != want.Version:
		return fmt.Sprintf("domain %q version %q, want %q version %q", d.Name, d.Version, want.Name, want.Version)
	case d.ChainID == nil || d.ChainID.Cmp(chainID) != 0:
		return fmt.Sprintf("domain chain id %v, the node serves chain %s", d.ChainID, chainID)
	case d.VerifyingContract != contract:
		return fmt.Sprintf("domain verifying contract %s, want the settlement contract %s", d.VerifyingContract, contract)
	}
	return ""
}
