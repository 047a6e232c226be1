; counter.qasm: the smallest useful Quarry contract.
;
;   function increment()           adds one to the count
;   function get() returns (uint256)
;   event Incremented(address indexed by, uint256 count)
;
; How to read this file
;   Stack pictures in comments are bottom ... top, e.g. [a b] has b on top.
;   The first operand of an instruction is the top of the stack:
;   "PUSH 1 / PUSH 2 / SUB" computes 2 - 1.
;   PUSH without a size picks the smallest one for a number, and a fixed
;   two-byte PUSH2 for anything that depends on the layout (@label,
;   start(), size()), so offsets never shift under your feet.
;   Labels do not emit anything: a jump target needs its own JUMPDEST.
;
; Layout
;   The file assembles to creation code ("init code"). Run once at
;   deployment, it copies the runtime section out of itself and RETURNs
;   it; those bytes become the contract's code. Labels inside a section
;   count from the section's start, which is offset 0 once deployed.
;
; Storage: slot 0 holds the count.

; ---------------------------------------------------------------- init --
        CALLVALUE               ; the constructor is not payable
        PUSH @init_fail
        JUMPI
        PUSH size(runtime)      ; [n]
        DUP1                    ; [n n]
        PUSH start(runtime)     ; [n n start]
        PUSH 0                  ; [n n start 0]
        CODECOPY                ; memory[0:n] = code[start:start+n]  -> [n]
        PUSH 0                  ; [n 0]
        RETURN                  ; return memory[0:n]
init_fail:
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

; ------------------------------------------------------------- runtime --
.section runtime
        CALLVALUE               ; no function is payable
        PUSH @fail
        JUMPI
        PUSH 4                  ; call data must hold at least a selector
        CALLDATASIZE
        LT                      ; size < 4
        PUSH @fail
        JUMPI
        PUSH 0                  ; selector = first 4 bytes of call data
        CALLDATALOAD
        PUSH 224
        SHR                     ; [sel]
        DUP1
        PUSH selector("increment()")
        EQ
        PUSH @increment
        JUMPI
        DUP1
        PUSH selector("get()")
        EQ
        PUSH @get
        JUMPI
fail:                           ; unknown selector, bad input: revert, no data
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

increment:                      ; [sel]
        JUMPDEST
        POP
        PUSH 0
        SLOAD                   ; [count]
        PUSH 1
        ADD                     ; [count+1]
        DUP1
        PUSH 0
        SSTORE                  ; slot 0 = count+1  -> [count+1]
        PUSH 0
        MSTORE                  ; memory[0:32] = count+1, the event's data
        CALLER                  ; topic 1: by
        PUSH topic("Incremented(address,uint256)") ; topic 0
        PUSH 32                 ; data size
        PUSH 0                  ; data offset
        LOG2
        STOP

get:                            ; [sel]
        JUMPDEST
        POP
        PUSH 0
        SLOAD
        PUSH 0
        MSTORE                  ; an ABI uint256 is one 32-byte word
        PUSH 32
        PUSH 0
        RETURN
