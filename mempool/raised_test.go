package mempool

import (
	"math"
	"testing"

	"github.com/holiman/uint256"
)

// TestRaisedBump checks the replacement rule's arithmetic, including
// bumps so large that 100+bump does not fit 64 bits.
func TestRaisedBump(t *testing.T) {
	tests := []struct {
		name     string
		bump     uint64
		old, new uint64
		want     bool
	}{
		{"10% met", 10, 100, 110, true},
		{"10% missed", 10, 100, 109, false},
		{"not higher", 10, 100, 100, false},
		{"1% rounds down", 1, 150, 151, true},
		{"huge bump, tiny rise", math.MaxUint64, 100, 101, false},
		{"huge bump, 1% short of wrap", math.MaxUint64 - 100, 100, 200, false},
		{"huge bump, the largest price", math.MaxUint64, 1_000_000, math.MaxUint64, false},
		{"huge bump met", math.MaxUint64, 1, math.MaxUint64, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pool{cfg: Config{PriceBump: tt.bump}}
			if got := p.raised(uint256.NewInt(tt.old), uint256.NewInt(tt.new)); got != tt.want {
				t.Errorf("raised(%d -> %d) with a %d%% bump = %v, want %v", tt.old, tt.new, tt.bump, got, tt.want)
			}
		})
	}
}
