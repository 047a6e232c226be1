package params

import (
	"encoding/hex"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"

	"github.com/quarry-chain/quarry/chain/types"
)

// TestDevAccountKey proves the claim in DevAccount's comment: the published
// test key controls the dev account.
func TestDevAccountKey(t *testing.T) {
	t.Parallel()
	key, err := hex.DecodeString("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := btcec.PrivKeyFromBytes(key)
	pub := priv.PubKey().SerializeUncompressed()
	hash := types.Keccak256(pub[1:])
	if got := types.BytesToAddress(hash[12:]); got != DevAccount() {
		t.Fatalf("key controls %s, DevAccount is %s", got, DevAccount())
	}
}
