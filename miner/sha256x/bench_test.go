package sha256x

import (
	"crypto/sha256"
	"testing"
)

// BenchmarkCompress is one compression per op.
func BenchmarkCompress(b *testing.B) {
	for _, impl := range Impls() {
		b.Run(impl.String(), func(b *testing.B) {
			s := initialState()
			var w [16]uint32
			b.SetBytes(BlockSize)
			for i := 0; b.Loop(); i++ {
				w[0] = uint32(i)
				if impl == SHANI {
					blockSHANI(&s, &w)
				} else {
					blockGeneric(&s, &w)
				}
			}
		})
	}
}

// BenchmarkScan is one attempt (two compressions) per op, reported as
// hashes/s beside crypto/sha256's limit (see BenchmarkStdlib).
func BenchmarkScan(b *testing.B) {
	for _, impl := range Impls() {
		b.Run(impl.String(), func(b *testing.B) {
			j, err := NewJob(impl, make([]byte, 212))
			if err != nil {
				b.Fatal(err)
			}
			var target [32]byte // nothing qualifies
			nonce := uint64(0)
			const run = 1 << 12
			for b.Loop() {
				nonce, _, _ = j.Scan(nonce, run, &target)
			}
			b.ReportMetric(float64(b.N)*run/b.Elapsed().Seconds(), "hashes/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkStdlib is crypto/sha256 over 1 MiB: compressions/s = bytes/s / 64.
func BenchmarkStdlib(b *testing.B) {
	buf := make([]byte, 1<<20)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		sha256.Sum256(buf)
	}
	b.ReportMetric(float64(b.N)*float64(len(buf))/BlockSize/b.Elapsed().Seconds(), "compressions/s")
}
