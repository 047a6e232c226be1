package sha256x

import "golang.org/x/sys/cpu"

// haveSHANI reports whether the CPU has what the SHA-NI kernel uses: the
// SHA extensions (CPUID leaf 7, EBX bit 29, which golang.org/x/sys/cpu does
// not report), SSSE3 (PALIGNR) and SSE4.1 (PEXTRD).
func haveSHANI() bool {
	const (
		leafFeatures = 7       // structured extended feature flags
		ebxSHA       = 1 << 29 // SHA extensions
	)
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < leafFeatures {
		return false
	}
	_, ebx, _, _ := cpuid(leafFeatures, 0)
	return ebx&ebxSHA != 0 && cpu.X86.HasSSSE3 && cpu.X86.HasSSE41
}

// cpuid executes CPUID with the given leaf and subleaf.
func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

// compressNI compresses one block (message words w) into st, a chaining
// value in toNI order.
//
//go:noescape
func compressNI(st *[8]uint32, w *[16]uint32)

// scanNI is scanRun on SHA-NI: it tries low nonce words lo..lo+n-1 with the
// high word in j.w[3] and returns the first whose double hash's first word
// is <= j.t0, its digest left in j.out.
//
//go:noescape
func scanNI(j *niJob, lo, n uint32) (idx uint32, found bool)
