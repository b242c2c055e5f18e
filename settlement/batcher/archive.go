package batcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/rpc"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/ledger"
)

// maxArchivePerTick bounds the batches one tick archives.
const maxArchivePerTick = 4

// archive writes settled batches to the archive in id order, and trims the
// receipts of archived batches from the log once their settlement is final
// (unless KeepReceipts is set). The cursor is the next batch to trim: it
// moves past a batch once the batch is archived and trimmed (or, with
// KeepReceipts, archived). Batches beyond a batch that is not final yet
// are archived meanwhile. A failure stops the cursor, never the settlement.
func (m *model) archive(ctx context.Context) error {
	cur, err := m.b.store.ArchiveCursor(ctx, m.token)
	if err != nil {
		return err
	}
	final := finality{m: m}
	advancing := true
	for id := cur; id < cur+maxArchivePerTick; id++ {
		b, err := m.b.store.Batch(ctx, m.token, id)
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
				if m.archiveFailures++; m.archiveFailures >= archiveStallAfter {
					m.stall(StallArchive, fmt.Sprintf("archiving batch %d has failed %d times in a row (%v), so no receipt leaves Redis: fix the archive (its directory's disk and permissions, or the bucket and its credentials); for a missing signature, keep a gateway with the signer key running or run `imogate repair signatures`",
						b.ID, m.archiveFailures, err))
				}
				return fmt.Errorf("archive batch %d: %w", b.ID, err)
			}
			m.archiveFailures = 0
			m.unstall(StallArchive)
			b.Archived = true
			if err := m.save(ctx, &b); err != nil {
				return err
			}
			m.log.Info("archived batch", "batch", b.ID, "path", archive.BatchDir(m.token, b.ID))
			m.stage(StageArchived, &b)
		}
		if !advancing {
			continue
		}
		if !m.b.cfg.KeepReceipts && !b.Trimmed {
			ok, err := final.reached(ctx, b.BlockNumber)
			if err != nil {
				return err
			}
			if !ok {
				m.log.Debug("archived batch not final yet; its receipts stay in the log", "batch", b.ID, "block", b.BlockNumber)
				advancing = false
				continue
			}
			n, err := m.b.store.TrimReceipts(ctx, m.token, m.fence, b.FirstSeq, b.LastSeq)
			if err != nil {
				return err
			}
			b.Trimmed = true
			if err := m.save(ctx, &b); err != nil {
				return err
			}
			m.log.Info("trimmed the receipts of a final, archived batch from the log", "batch", b.ID, "last_seq", b.LastSeq, "entries", n)
		}
		if err := m.b.store.SetArchiveCursor(ctx, m.token, m.fence, id+1); err != nil {
			return err
		}
	}
	return nil
}

// finality tells whether a block is final, asking the node at most once.
type finality struct {
	m     *model
	asked bool
	upTo  uint64 // the highest final block
}

func (f *finality) reached(ctx context.Context, block uint64) (bool, error) {
	if !f.asked {
		upTo, err := f.m.finalBlock(ctx)
		if err != nil {
			return false, err
		}
		f.asked, f.upTo = true, upTo
	}
	return block <= f.upTo, nil
}

// finalBlock is the highest block the batcher takes as final.
func (m *model) finalBlock(ctx context.Context) (uint64, error) {
	depth := uint64(m.b.cfg.FinalityDepth)
	if depth == 0 {
		h, err := m.b.chain.HeaderByNumber(ctx, big.NewInt(int64(rpc.FinalizedBlockNumber)))
		if err == nil && h != nil {
			return h.Number.Uint64(), nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		depth = DefaultFinalityDepth // the node reports no finalized block
	}
	head, err := m.b.chain.BlockNumber(ctx)
	if err != nil {
		return 0, err
	}
	if head+1 < depth {
		return 0, nil // nothing is that deep yet (block 0 is genesis)
	}
	return head + 1 - depth, nil
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
