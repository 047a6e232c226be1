package types

import "testing"

func TestKeccak256(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   [][]byte
		want string
	}{
		{"empty", nil, "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{"abc", [][]byte{[]byte("abc")}, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
		{"abc in parts", [][]byte{[]byte("a"), nil, []byte("bc")}, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
		{"ERC-20 Transfer event", [][]byte{[]byte("Transfer(address,address,uint256)")}, "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"},
		// Keccak-256 of the RLP of an empty list: Ethereum's empty uncle hash.
		{"rlp empty list", [][]byte{{0xc0}}, "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Keccak256(tc.in...).Hex(); got != tc.want {
				t.Errorf("Keccak256 = %s, want %s", got, tc.want)
			}
		})
	}
}

func BenchmarkKeccak256(b *testing.B) {
	data := make([]byte, 128)
	b.ReportAllocs()
	for b.Loop() {
		Keccak256(data)
	}
}
