package gateway

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
)

// SignatureRepair is what one repair pass did.
type SignatureRepair struct {
	Checked  int      // receipts looked at
	Signed   int      // signatures stored again
	Foreign  []uint64 // receipts issued by another signer: left unsigned
	Vanished int      // wanted seqs no longer in the log (dropped)
}

// RepairSignatures stores again the signatures of a model's receipts that
// have none (the gateway crashed before its signature writer flushed, or a
// failover lost the write): signing is deterministic (RFC 6979), so the
// bytes are those the client was given. With all, it reads the whole log
// (last is the model's last seq); otherwise only the seqs the batcher asked
// for. Receipts issued under another signer are reported, not signed.
func RepairSignatures(ctx context.Context, store ReceiptLog, signer *metering.Signer, token common.Address, all bool, log *slog.Logger) (SignatureRepair, error) {
	var rep SignatureRepair
	var signedMeanwhile []uint64 // asked for, but stored since
	fix := func(rs []metering.LoggedReceipt) error {
		var ws []metering.SignatureWrite
		for _, lr := range rs {
			rep.Checked++
			if len(lr.Signature) == 65 {
				if !all {
					signedMeanwhile = append(signedMeanwhile, lr.Seq)
				}
				continue
			}
			if lr.Signer != signer.Address() {
				rep.Foreign = append(rep.Foreign, lr.Seq)
				continue
			}
			sig, err := signer.Sign(&lr.Receipt)
			if err != nil {
				return err
			}
			ws = append(ws, metering.SignatureWrite{Token: token, Seq: lr.Seq, Sig: sig})
			rep.Signed++
		}
		return store.SetSignatures(ctx, ws)
	}
	if all {
		last, err := store.LastSeq(ctx, token)
		if err != nil {
			return rep, err
		}
		const chunk = 1000
		for first := uint64(1); first <= last; first += chunk {
			rs, err := store.Receipts(ctx, token, first, min(first+chunk-1, last))
			if err != nil {
				return rep, err
			}
			if err := fix(rs); err != nil {
				return rep, err
			}
			if log != nil && (first/chunk)%100 == 99 {
				log.Info("repairing signatures", "token", token.Hex(), "through_seq", first+chunk-1, "of", last, "signed", rep.Signed)
			}
		}
		return rep, nil
	}
	seqs, err := store.WantedSignatures(ctx, token, 1000)
	if err != nil || len(seqs) == 0 {
		return rep, err
	}
	rs, err := store.Receipts(ctx, token, seqs[0], seqs[len(seqs)-1])
	if err != nil {
		return rep, err
	}
	byseq := make(map[uint64]metering.LoggedReceipt, len(rs))
	for _, lr := range rs {
		byseq[lr.Seq] = lr
	}
	var want []metering.LoggedReceipt
	var gone []uint64
	for _, q := range seqs {
		if lr, ok := byseq[q]; ok {
			want = append(want, lr)
		} else {
			gone = append(gone, q)
		}
	}
	rep.Vanished = len(gone)
	if err := fix(want); err != nil {
		return rep, err
	}
	// SetSignatures took the signed ones off the list; these need no write.
	return rep, store.DropWantedSignatures(ctx, token, append(gone, signedMeanwhile...))
}

// repairSignatures runs one pass over the signatures the batcher asked for.
func (s *Server) repairSignatures(ctx context.Context, m *Model) {
	rep, err := RepairSignatures(ctx, s.store, s.signer, m.Token, false, nil)
	if err != nil {
		s.log.Warn("repairing receipt signatures failed", "model", m.Name, "err", err)
		return
	}
	if rep.Signed > 0 {
		s.log.Info("stored lost receipt signatures again", "model", m.Name, "count", rep.Signed)
	}
	if len(rep.Foreign) > 0 {
		s.log.Error("receipts without a stored signature were issued by another signer; this gateway cannot sign them. Run `imogate repair signatures` with that signer's key",
			"model", m.Name, "count", len(rep.Foreign), "first_seq", rep.Foreign[0], "signer", s.signer.Address().Hex())
	}
}

// String sums up a repair for logs and the CLI.
func (r SignatureRepair) String() string {
	s := fmt.Sprintf("%d receipts checked, %d signatures stored again", r.Checked, r.Signed)
	if len(r.Foreign) > 0 {
		s += fmt.Sprintf(", %d issued by another signer left unsigned (first seq %d)", len(r.Foreign), r.Foreign[0])
	}
	if r.Vanished > 0 {
		s += fmt.Sprintf(", %d no longer in the log", r.Vanished)
	}
	return s
}
