package batcher

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/ledger"
)

// maxArchivePerTick bounds the batches one tick archives.
const maxArchivePerTick = 4

// archive writes settled batches to the archive in id order (the cursor
// says which is next), then trims their receipts from the log unless
// KeepReceipts is set. A failure stops the cursor, never the settlement.
func (m *model) archive(ctx context.Context) error {
	for range maxArchivePerTick {
		cur, err := m.b.store.ArchiveCursor(ctx, m.token)
		if err != nil {
			return err
		}
		b, err := m.b.store.Batch(ctx, m.token, cur)
		if errors.Is(err, settlement.ErrBatchNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if b.State != settlement.StateSettled {
			return nil
		}
		if !b.Archived {
			if err := m.writeArchive(ctx, &b); err != nil {
				return fmt.Errorf("archive batch %d: %w", b.ID, err)
			}
			b.Archived = true
			if err := m.save(ctx, &b); err != nil {
				return err
			}
			m.log.Info("archived batch", "batch", b.ID, "path", archive.BatchDir(m.token, b.ID))
			m.stage(StageArchived, &b)
		}
		if !m.b.cfg.KeepReceipts && !b.Trimmed {
			n, err := m.b.store.TrimReceipts(ctx, m.token, m.fence, b.FirstSeq, b.LastSeq)
			if err != nil {
				return err
			}
			b.Trimmed = true
			if err := m.save(ctx, &b); err != nil {
				return err
			}
			m.log.Info("trimmed archived receipts from the log", "batch", b.ID, "last_seq", b.LastSeq, "entries", n)
		}
		if err := m.b.store.SetArchiveCursor(ctx, m.token, m.fence, cur+1); err != nil {
			return err
		}
	}
	return nil
}

func (m *model) writeArchive(ctx context.Context, b *settlement.Batch) error {
	rs, err := m.receipts(ctx, b.FirstSeq, b.LastSeq)
	if err != nil {
		return err
	}
	tree, fee, err := ledger.TreeOf(rs)
	if err != nil {
		return err
	}
	if tree.Root() != b.Root || fee.Cmp(b.Fee) != 0 {
		return fmt.Errorf("%w: the log now gives root %s and fees %s for batch %d, sealed as %s and %s",
			ErrRootMismatch, tree.Root(), fee, b.ID, b.Root, b.Fee)
	}
	ob, err := m.b.reader.Batch(ctx, m.token, b.ID)
	if err != nil {
		return err
	}
	domain := metering.NewDomain(m.b.cfg.ChainID, m.b.cfg.Settlement)
	signed := make([]metering.SignedReceipt, len(rs))
	var missing []uint64
	for i := range rs {
		if len(rs[i].Signature) == 0 {
			missing = append(missing, rs[i].Seq)
			continue
		}
		signed[i] = metering.SignedReceipt{Receipt: rs[i].Receipt, Signature: rs[i].Signature, Signer: ob.Signer, Domain: domain}
		if err := signed[i].Verify(); err != nil {
			return fmt.Errorf("receipt %d: signature does not verify against the batch signer %s: %w", rs[i].Seq, ob.Signer.Hex(), err)
		}
	}
	if len(missing) > 0 {
		// Lost in a crash before the gateway's signature writer flushed, or
		// in a failover. The batcher has no signer key: it asks, and every
		// gateway's sweeper signs them again (signatures are deterministic).
		if err := m.b.store.WantSignatures(ctx, m.token, missing); err != nil {
			return err
		}
		return fmt.Errorf("%w: %d receipt(s) of batch %d, first seq %d; asked the gateways to sign them again (a running `imogate serve` with the signer key does within one sweep interval; without one, run `imogate repair signatures`)",
			ErrMissingSignature, len(missing), b.ID, missing[0])
	}
	dump, err := tree.Dump()
	if err != nil {
		return fmt.Errorf("dump tree: %w", err)
	}
	prices, err := m.b.store.Prices(ctx, m.token)
	if err != nil {
		return err
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	return archive.Write(ctx, m.b.cfg.Archive, archive.Batch{
		Token: m.token, ID: b.ID, Tree: dump, Receipts: signed, Prices: prices,
		Settlement: archive.Settlement{
			ChainID: m.b.cfg.ChainID.String(), Contract: m.b.cfg.Settlement, Operator: m.b.operator, Token: m.token,
			BatchID: u(b.ID), FirstSeq: u(b.FirstSeq), LastSeq: u(b.LastSeq), Count: u(b.Count()), Root: b.Root,
			Value: b.Fee.String(), Signer: ob.Signer, TxHash: b.TxHash, BlockNumber: u(b.BlockNumber),
			BlockHash: b.BlockHash, GasUsed: u(b.GasUsed),
			SealedAt: b.SealedAt.UTC().Format(time.RFC3339Nano), SettledAt: b.SettledAt.UTC().Format(time.RFC3339Nano),
		},
	})
}
