package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/imogate/imogate/metering"
	"github.com/imogate/imogate/settlement/archive"
	"github.com/imogate/imogate/settlement/merkle"
)

// Names of the checks of a receipt audit.
const (
	CheckSignature        = "signature"          // the EIP-712 signature recovers the receipt's signer
	CheckDomain           = "domain"             // signed under ("imogate", "1", this chain, the settlement contract)
	CheckSettled          = "settled"            // the receipt's seq lies in a settled batch
	CheckSigner           = "signer"             // the receipt's signer is the batch's on-chain signer
	CheckSignatureOnChain = "signature on-chain" // verifyReceiptSignature agrees
	CheckInArchive        = "in archived tree"   // the receipt is a value of the batch's archived tree
	CheckRoot             = "root"               // the archived tree's root is the on-chain root
	CheckProof            = "proof"              // the inclusion proof verifies locally against the on-chain root
	CheckProofOnChain     = "proof on-chain"     // verifyReceipt agrees
)

// ParseReceipt reads a receipt as receipt JSON or as an Imogate-Receipt
// header value (base64 of that JSON).
func ParseReceipt(data []byte) (metering.SignedReceipt, error) {
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("{")) {
		var r metering.SignedReceipt
		err := r.UnmarshalJSON(data)
		return r, err
	}
	return metering.ParseHeader(string(data))
}

// Receipt audits one receipt: its signature and domain, the settled batch
// holding its seq and that batch's on-chain signer, and its inclusion proof
// from the archived tree, locally and on-chain, against the on-chain root.
func (a *Auditor) Receipt(ctx context.Context, r metering.SignedReceipt) (*Report, error) {
	token := r.Model
	rep := newReport("receipt", fmt.Sprintf("receipt %s (seq %d of model %s)", r.ID, r.Seq, token))
	if ok, err := a.checkSettlementCode(ctx, rep); err != nil || !ok {
		return rep, err
	}
	chainID, err := a.cfg.Chain.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", err)
	}

	if err := r.Verify(); err != nil {
		rep.fail(CheckSignature, "%v", err)
	} else {
		rep.pass(CheckSignature, "signed by %s", r.Signer)
	}
	if p := domainProblem(r.Domain, chainID, a.cfg.Settlement); p != "" {
		rep.fail(CheckDomain, "%s", p)
	} else {
		rep.pass(CheckDomain, "imogate v1, chain %s, contract %s", chainID, a.cfg.Settlement)
	}

	id, b, ok, err := a.reader.BatchOfSeq(ctx, token, r.Seq)
	if err != nil {
		return nil, err
	}
	if !ok {
		rep.fail(CheckSettled, "seq %d is in no settled batch of operator %s for %s", r.Seq, a.cfg.Operator, token)
		for _, n := range []string{CheckSigner, CheckSignatureOnChain, CheckInArchive, CheckRoot, CheckProof, CheckProofOnChain} {
			rep.skip(n, "no settled batch")
		}
		return rep, nil
	}
	root := common.Hash(b.Root)
	rep.pass(CheckSettled, "batch %d (seqs %d..%d, root %s)", id, b.FirstSeq, b.LastSeq, root)
	rep.total("batchId", id)

	rep.check(CheckSigner, b.Signer == r.Signer,
		fmt.Sprintf("%s is batch %d's on-chain signer", r.Signer, id),
		fmt.Sprintf("receipt names signer %s, batch %d's on-chain signer is %s", r.Signer, id, b.Signer))
	okSig, err := a.reader.VerifyReceiptSignature(ctx, token, id, &r.Receipt, r.Signature)
	if err != nil {
		return nil, err
	}
	rep.check(CheckSignatureOnChain, okSig, "verifyReceiptSignature returned true",
		fmt.Sprintf("verifyReceiptSignature(batch %d) returned false", id))

	if a.cfg.Archive == nil {
		for _, n := range []string{CheckInArchive, CheckRoot, CheckProof, CheckProofOnChain} {
			rep.skip(n, "no archive given")
		}
		return rep, nil
	}
	tree, problem, err := a.archivedTree(ctx, token, id)
	if err != nil {
		return nil, err
	}
	idx := -1
	if tree != nil {
		leaf := r.Leaf()
		for i := range tree.Len() {
			if l, _ := tree.Tree().Leaf(i); l == leaf {
				idx = i
				break
			}
		}
		if idx < 0 {
			problem = fmt.Sprintf("receipt (leaf %s) is not a value of batch %d's archived tree: changed fields, or wrong batch", leaf, id)
		}
	}
	if idx < 0 {
		rep.fail(CheckInArchive, "%s", problem)
		if tree != nil {
			rep.check(CheckRoot, tree.Root() == b.Root, fmt.Sprintf("archived root %s is on-chain", root),
				fmt.Sprintf("archived tree root %s, on-chain root %s", tree.Root(), root))
		} else {
			rep.skip(CheckRoot, "no archived tree")
		}
		rep.skip(CheckProof, "no proof")
		rep.skip(CheckProofOnChain, "no proof")
		return rep, nil
	}
	rep.pass(CheckInArchive, "value %d of %d in %s", idx, tree.Len(), archive.BatchPath(token, id, archive.TreeFile))
	rep.check(CheckRoot, tree.Root() == b.Root, fmt.Sprintf("archived root %s is on-chain", root),
		fmt.Sprintf("archived tree root %s, on-chain root %s", tree.Root(), root))
	proof, err := tree.Proof(idx)
	if err != nil {
		return nil, fmt.Errorf("proof of value %d: %w", idx, err)
	}
	rep.check(CheckProof, merkle.Verify(b.Root, r.Leaf(), proof),
		fmt.Sprintf("%d-step proof verifies against the on-chain root", len(proof)),
		"the archived proof does not verify against the on-chain root")
	okProof, err := a.reader.VerifyReceipt(ctx, token, id, &r.Receipt, proof)
	if err != nil {
		return nil, err
	}
	rep.check(CheckProofOnChain, okProof, "verifyReceipt returned true", fmt.Sprintf("verifyReceipt(batch %d) returned false", id))
	return rep, nil
}

// archivedTree loads a batch's tree.json. A missing or invalid file is a
// problem of the audited data (returned as problem), not an error.
func (a *Auditor) archivedTree(ctx context.Context, token common.Address, id uint64) (*merkle.ReceiptTree, string, error) {
	p := archive.BatchPath(token, id, archive.TreeFile)
	data, err := a.cfg.Archive.Get(ctx, p)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, fmt.Sprintf("%s is not in the archive", p), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", p, err)
	}
	tree, err := merkle.LoadReceiptTree(data)
	if err != nil {
		return nil, fmt.Sprintf("%s does not load: %v", p, err), nil
	}
	return tree, "", nil
}
