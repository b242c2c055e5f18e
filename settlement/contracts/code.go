package contracts

import (
	"bytes"
	_ "embed"
	"encoding/json"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

//go:embed artifacts/UsageSettlement.json
var usageSettlementArtifact []byte

// runtime is a contract's deployed bytecode and where it holds immutables.
type runtime struct {
	code       []byte
	immutables [][2]int // byte ranges [start, end)
}

func usageSettlementRuntime() runtime {
	var a struct {
		DeployedBytecode string `json:"deployedBytecode"`
		ImmutableRanges  []struct {
			Start  int `json:"start"`
			Length int `json:"length"`
		} `json:"immutableRanges"`
	}
	if err := json.Unmarshal(usageSettlementArtifact, &a); err != nil {
		panic("contracts: the embedded UsageSettlement artifact does not parse: " + err.Error())
	}
	code, err := hexutil.Decode(a.DeployedBytecode)
	if err != nil {
		panic("contracts: the embedded UsageSettlement bytecode is not hex: " + err.Error())
	}
	rt := runtime{code: code}
	for _, r := range a.ImmutableRanges {
		rt.immutables = append(rt.immutables, [2]int{r.Start, r.Start + r.Length})
	}
	return rt
}

// masked is code with the immutables' bytes zeroed (nil if the lengths
// differ, so no range can fall outside it).
func (rt runtime) masked(code []byte) []byte {
	if len(code) != len(rt.code) {
		return nil
	}
	out := bytes.Clone(code)
	for _, r := range rt.immutables {
		clear(out[r[0]:r[1]])
	}
	return out
}

// IsUsageSettlement reports whether code (what eth_getCode returns for an
// address) is the UsageSettlement contract this build of imogate was
// compiled with: the same bytes but for its immutables, which its
// constructor sets per deployment (EIP-712's cached domain separator, chain
// id and address).
func IsUsageSettlement(code []byte) bool {
	rt := usageSettlementRuntime()
	m := rt.masked(code)
	return m != nil && bytes.Equal(m, rt.masked(rt.code))
}

// UsageSettlementCodeHash is keccak256 of the UsageSettlement runtime code
// with its immutables zeroed: the same for every deployment of this build.
func UsageSettlementCodeHash() common.Hash {
	rt := usageSettlementRuntime()
	return crypto.Keccak256Hash(rt.masked(rt.code))
}
