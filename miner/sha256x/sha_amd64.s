// SHA-256 compression on the x86 SHA extensions, and the nonce search loop
// built on it. Written for Quarry from FIPS 180-4 and Intel's description of
// SHA256RNDS2, SHA256MSG1 and SHA256MSG2.
//
// SHA256RNDS2 X0, S, D runs two rounds: D holds C, D, G, H on entry and A,
// B, E, F on exit, S holds A, B, E, F, and the low two lanes of X0 hold
// W[t]+K[t] for the two rounds. After two rounds the old A, B, E, F are the
// new C, D, G, H, so two alternating RNDS2 (with the high half of X0
// shuffled down in between) make four rounds and leave the state back in
// its registers.
//
// Register roles:
//	X0      W+K for the rounds (the implicit operand)
//	X1, X2  state: A,B,E,F and C,D,G,H (lane order of toNI in job.go)
//	X3..X6  message schedule: X(3 + g%4) holds W[4g..4g+3] for group g
//	X7      scratch
//	R10     the round constants, ·k
//	X8..X14 per-call constants of scanNI

#include "textflag.h"
#include "go_asm.h"

// QUAD runs rounds 4g..4g+3 on message register m; koff = 16*g.
#define QUAD(m, koff) \
	MOVOU koff(R10), X0 \
	PADDD m, X0 \
	SHA256RNDS2 X0, X1, X2 \
	PSHUFD $0x0e, X0, X0 \
	SHA256RNDS2 X0, X2, X1

// QUAD_M1 is QUAD and then starts W[4g+12..] in prev (which holds
// W[4g-4..4g-1]): prev += sigma0 of the following words.
#define QUAD_M1(m, prev, koff) \
	QUAD(m, koff) \
	SHA256MSG1 m, prev

// QUAD_M2 is QUAD with next (holding W[4g-12..4g-9] + sigma0 terms) finished
// into W[4g+4..4g+7] in between: next += W[4g-3..4g] (the words straddling
// prev and m), then the sigma1 terms.
#define QUAD_M2(m, prev, next, koff) \
	MOVOU koff(R10), X0 \
	PADDD m, X0 \
	SHA256RNDS2 X0, X1, X2 \
	MOVO m, X7 \
	PALIGNR $4, prev, X7 \
	PADDD X7, next \
	SHA256MSG2 m, next \
	PSHUFD $0x0e, X0, X0 \
	SHA256RNDS2 X0, X2, X1

#define QUAD_M1M2(m, prev, next, koff) \
	QUAD_M2(m, prev, next, koff) \
	SHA256MSG1 m, prev

// ROUNDS_4_63 runs rounds 4..63 with W[0..15] in X3..X6 (X3 already used
// for rounds 0..3).
#define ROUNDS_4_63 \
	QUAD_M1(X4, X3, 16) \
	QUAD_M1(X5, X4, 32) \
	QUAD_M1M2(X6, X5, X3, 48) \
	QUAD_M1M2(X3, X6, X4, 64) \
	QUAD_M1M2(X4, X3, X5, 80) \
	QUAD_M1M2(X5, X4, X6, 96) \
	QUAD_M1M2(X6, X5, X3, 112) \
	QUAD_M1M2(X3, X6, X4, 128) \
	QUAD_M1M2(X4, X3, X5, 144) \
	QUAD_M1M2(X5, X4, X6, 160) \
	QUAD_M1M2(X6, X5, X3, 176) \
	QUAD_M1M2(X3, X6, X4, 192) \
	QUAD_M2(X4, X3, X5, 208) \
	QUAD_M2(X5, X4, X6, 224) \
	QUAD(X6, 240)

#define ROUNDS_0_63 \
	QUAD(X3, 0) \
	ROUNDS_4_63

// func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL subleaf+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func compressNI(st *[8]uint32, w *[16]uint32)
TEXT ·compressNI(SB), NOSPLIT, $0-16
	MOVQ st+0(FP), DI
	MOVQ w+8(FP), SI
	LEAQ ·k(SB), R10
	MOVOU 0(DI), X1
	MOVOU 16(DI), X2
	MOVO X1, X8
	MOVO X2, X9
	MOVOU 0(SI), X3
	MOVOU 16(SI), X4
	MOVOU 32(SI), X5
	MOVOU 48(SI), X6
	ROUNDS_0_63
	PADDD X8, X1
	PADDD X9, X2
	MOVOU X1, 0(DI)
	MOVOU X2, 16(DI)
	RET

// func scanNI(j *niJob, lo, n uint32) (idx uint32, found bool)
//
// Per call: rounds 0..3 of the tail block depend only on tail words 0..3,
// which are fixed for the call, so they run once (X8, X9). Per nonce:
// rounds 4..63 of the tail block with W4 = the nonce's low word, the
// feed-forward of the midstate, then the 64 rounds of the outer block
// (digest, 0x80, zeros, length 256), and a compare of its first word.
TEXT ·scanNI(SB), NOSPLIT, $0-21
	MOVQ j+0(FP), DI
	MOVL lo+8(FP), BX
	MOVL n+12(FP), CX
	MOVL BX, idx+16(FP)
	MOVB $0, found+20(FP)
	TESTL CX, CX
	JZ   done
	LEAQ ·k(SB), R10
	MOVL niJob_t0(DI), DX
	MOVOU (niJob_mid+0)(DI), X11
	MOVOU (niJob_mid+16)(DI), X12
	MOVOU niJob_w(DI), X10
	MOVOU niJob_pad(DI), X14
	MOVOU ·tailPadNI<>(SB), X13

	// Rounds 0..3 of the tail block, once.
	MOVO X11, X1
	MOVO X12, X2
	MOVO X10, X3
	QUAD(X3, 0)
	MOVO X1, X8
	MOVO X2, X9

loop:
	// Tail block: W0..3 fixed, W4 = lo, W5 = 0x80000000, W14..15 length.
	MOVO X8, X1
	MOVO X9, X2
	MOVO X10, X3
	MOVQ BX, X4
	POR  X13, X4
	PXOR X5, X5
	MOVO X14, X6
	ROUNDS_4_63
	PADDD X11, X1
	PADDD X12, X2

	// Outer block: the digest A..H as W0..7, then padding for 32 bytes.
	// X1 lanes are F,E,B,A and X2 lanes H,G,D,C.
	MOVO X1, X3
	PUNPCKHQDQ X2, X3
	PSHUFD $0xb1, X3, X3
	MOVO X1, X4
	PUNPCKLQDQ X2, X4
	PSHUFD $0xb1, X4, X4
	MOVOU ·digestPadNI<>+0(SB), X5
	MOVOU ·digestPadNI<>+16(SB), X6
	MOVOU ·ivNI<>+0(SB), X1
	MOVOU ·ivNI<>+16(SB), X2
	ROUNDS_0_63
	MOVOU ·ivNI<>+0(SB), X7
	PADDD X7, X1

	// H0 (= A, lane 3) <= t0 makes a candidate.
	PEXTRD $3, X1, AX
	CMPL AX, DX
	JLS  found
	INCL BX
	DECL CX
	JNZ  loop

done:
	RET

found:
	MOVOU ·ivNI<>+16(SB), X7
	PADDD X7, X2
	MOVOU X1, (niJob_out+0)(DI)
	MOVOU X2, (niJob_out+16)(DI)
	MOVL BX, idx+16(FP)
	MOVB $1, found+20(FP)
	RET

DATA ·ivNI<>+0(SB)/4, $0x9b05688c
DATA ·ivNI<>+4(SB)/4, $0x510e527f
DATA ·ivNI<>+8(SB)/4, $0xbb67ae85
DATA ·ivNI<>+12(SB)/4, $0x6a09e667
DATA ·ivNI<>+16(SB)/4, $0x5be0cd19
DATA ·ivNI<>+20(SB)/4, $0x1f83d9ab
DATA ·ivNI<>+24(SB)/4, $0xa54ff53a
DATA ·ivNI<>+28(SB)/4, $0x3c6ef372
GLOBL ·ivNI<>(SB), RODATA|NOPTR, $32

DATA ·tailPadNI<>+0(SB)/4, $0x00000000
DATA ·tailPadNI<>+4(SB)/4, $0x80000000
DATA ·tailPadNI<>+8(SB)/4, $0x00000000
DATA ·tailPadNI<>+12(SB)/4, $0x00000000
GLOBL ·tailPadNI<>(SB), RODATA|NOPTR, $16

DATA ·digestPadNI<>+0(SB)/4, $0x80000000
DATA ·digestPadNI<>+4(SB)/4, $0x00000000
DATA ·digestPadNI<>+8(SB)/4, $0x00000000
DATA ·digestPadNI<>+12(SB)/4, $0x00000000
DATA ·digestPadNI<>+16(SB)/4, $0x00000000
DATA ·digestPadNI<>+20(SB)/4, $0x00000000
DATA ·digestPadNI<>+24(SB)/4, $0x00000000
DATA ·digestPadNI<>+28(SB)/4, $0x00000100
GLOBL ·digestPadNI<>(SB), RODATA|NOPTR, $32
