package chaintest_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/params"

	"github.com/imogate/imogate/settlement/contracts/chaintest"
)

func TestChainConfigDropsBogotaOnly(t *testing.T) {
	cfg := chaintest.ChainConfig()
	if cfg.BogotaTime != nil {
		t.Fatal("BogotaTime is set")
	}
	if params.AllDevChainProtocolChanges.BogotaTime == nil {
		t.Fatal("the shared dev config was mutated (or no longer enables Bogota: revisit chaintest)")
	}
	if cfg.OsakaTime == nil || cfg.PragueTime == nil || cfg.CancunTime == nil {
		t.Fatal("earlier forks must stay enabled")
	}
}

func TestNewBackend(t *testing.T) {
	key := chaintest.Key("a")
	if chaintest.Address(key) != chaintest.Address(chaintest.Key("a")) || chaintest.Address(key) == chaintest.Address(chaintest.Key("b")) {
		t.Fatal("Key is not a deterministic function of its seed")
	}
	b := chaintest.NewBackend(t, chaintest.Fund(key))
	id, err := b.Client().ChainID(t.Context())
	if err != nil || id.Cmp(chaintest.ChainID) != 0 {
		t.Fatalf("chain id = %v, %v", id, err)
	}
	bal, err := b.Client().BalanceAt(t.Context(), chaintest.Address(key), nil)
	if err != nil || bal.Cmp(new(big.Int).Mul(big.NewInt(1000), chaintest.Ether)) != 0 {
		t.Fatalf("balance = %v, %v", bal, err)
	}
	b.Commit() // the genesis block has time 0; measure from a real block
	before := chaintest.HeadTime(t, b)
	chaintest.Advance(t, b, time.Hour)
	if after := chaintest.HeadTime(t, b); after != before+3600 {
		t.Fatalf("head time after Advance(1h) = %d, want %d", after, before+3600)
	}
}
