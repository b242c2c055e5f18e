package onchain_test

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/imogate/imogate/settlement/contracts/chaintest"
	"github.com/imogate/imogate/settlement/contracts/deploy"
	"github.com/imogate/imogate/settlement/contracts/testbindings"
	"github.com/imogate/imogate/settlement/onchain"
)

// TestCheckDelivery simulates settle's payment into tokens that can and
// cannot take it: imogate's RevenueShareToken and a minimal ERC-7641 can; a
// token whose receive() reverts, one without receive(), and an address
// without code cannot, and the error says why in words.
func TestCheckDelivery(t *testing.T) {
	op := chaintest.Key("operator")
	b := chaintest.NewBackend(t, chaintest.Fund(op))
	client := b.Client()
	res, err := deploy.Deploy(t.Context(), client, chaintest.Transactor(t, op), deploy.Options{
		ChainID: chaintest.ChainID, Signer: chaintest.Address(op),
		Token: &deploy.TokenOptions{Name: "T", Symbol: "T", Supply: big.NewInt(1000), Holder: chaintest.Address(op), PercentClaimable: 50, SnapshotInterval: time.Minute},
		Wait: func(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
			b.Commit()
			return client.TransactionReceipt(ctx, tx.Hash())
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	deployTest := func(bin string, input []byte) common.Address {
		addr, tx, err := bind.DeployContract(chaintest.Transactor(t, op), common.FromHex(bin), client, input)
		if err != nil {
			t.Fatal(err)
		}
		b.Commit()
		if _, err := bind.WaitDeployed(t.Context(), client, tx.Hash()); err != nil {
			t.Fatal(err)
		}
		return addr
	}
	minimal := deployTest(testbindings.MinimalERC7641MetaData.Bin, testbindings.NewMinimalERC7641().PackConstructor(big.NewInt(1000)))
	refusing := deployTest(testbindings.RefusingTokenMetaData.Bin, nil)
	noReceive := deployTest(testbindings.NoReceiveTokenMetaData.Bin, nil)

	r := onchain.NewReader(client, res.Settlement, res.Operator)
	for _, tc := range []struct {
		name  string
		token common.Address
		want  string // "" : deliverable
	}{
		{"RevenueShareToken", res.Token, ""},
		{"minimal ERC-7641", minimal, ""},
		{"receive() reverts", refusing, `reverts with "revenue closed"`},
		{"no receive()", noReceive, "no receive() or payable fallback"},
		{"no contract", common.HexToAddress("0x00000000000000000000000000000000000000aa"), "holds no contract"},
	} {
		err := r.CheckDelivery(t.Context(), tc.token)
		var u *onchain.Undeliverable
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (!errors.As(err, &u) || !strings.Contains(u.Cause, tc.want)):
			t.Errorf("%s: got %v, want an Undeliverable saying %q", tc.name, err, tc.want)
		}
	}
	// Fixed, it is deliverable again.
	if _, err := bind.Transact(bind.NewBoundContract(refusing, testbindings.NewRefusingToken().GetABI(), client, client, client),
		chaintest.Transactor(t, op), testbindings.NewRefusingToken().PackOpen()); err != nil {
		t.Fatal(err)
	}
	b.Commit()
	if err := r.CheckDelivery(t.Context(), refusing); err != nil {
		t.Fatalf("after open(): %v", err)
	}
}
