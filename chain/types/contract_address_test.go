package types

import "testing"

func TestContractAddress(t *testing.T) {
	t.Parallel()
	for _, v := range loadAddressVectors(t).Contracts {
		t.Run(v.Address, func(t *testing.T) {
			t.Parallel()
			got := ContractAddress(ParseAddressMust(t, v.Sender), v.Nonce)
			if want := ParseAddressMust(t, v.Address); got != want {
				t.Errorf("ContractAddress(%s, %d) = %s, want %s", v.Sender, v.Nonce, got, want)
			}
		})
	}
}

// TestContractAddressNonceSizes covers every width of the RLP nonce (zero,
// one byte below 0x80, and one to eight bytes) against a direct encoding.
func TestContractAddressNonceSizes(t *testing.T) {
	t.Parallel()
	sender := Address{0xde, 0xad}
	for _, nonce := range []uint64{0, 1, 0x7f, 0x80, 0xff, 0x100, 1 << 24, 1 << 32, 1 << 40, 1 << 48, 1 << 56, ^uint64(0)} {
		var payload []byte
		payload = append(payload, 0x80+AddressLength)
		payload = append(payload, sender[:]...)
		switch {
		case nonce == 0:
			payload = append(payload, 0x80)
		case nonce < 0x80:
			payload = append(payload, byte(nonce))
		default:
			var be []byte
			for v := nonce; v > 0; v >>= 8 {
				be = append([]byte{byte(v)}, be...)
			}
			payload = append(append(payload, 0x80+byte(len(be))), be...)
		}
		enc := append([]byte{0xc0 + byte(len(payload))}, payload...)
		want := BytesToAddress(Keccak256(enc).Bytes())
		if got := ContractAddress(sender, nonce); got != want {
			t.Errorf("nonce %d: %s, want %s", nonce, got, want)
		}
	}
}
