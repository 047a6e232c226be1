; escrow.qasm: a three-party escrow that holds value until it is released
; to the seller or refunded to the buyer.
;
;   constructor(address seller, address arbiter) payable
;       the deployer is the buyer; the value sent is the amount held
;   function release()   buyer or arbiter: pay everything to the seller
;   function refund()    seller or arbiter: pay everything back to the buyer
;   function buyer() / seller() / arbiter() returns (address)
;   function settled() returns (bool)
;   event Settled(address indexed to, uint256 amount)
;
; It shows value moving: CALLVALUE at creation, SELFBALANCE, and CALL with
; value to pay out. The escrow marks itself settled BEFORE it calls out
; (checks, effects, interactions), so a payee that calls back finds it
; settled and cannot be paid twice.
;
; Storage: slot 0 buyer, 1 seller, 2 arbiter, 3 settled (0 or 1).

.const BUYER = 0
.const SELLER = 1
.const ARBITER = 2
.const SETTLED = 3

; ---------------------------------------------------------------- init --
        PUSH size() + 64        ; code followed by exactly two argument words
        CODESIZE
        EQ
        ISZERO
        PUSH @init_fail
        JUMPI
        CALLVALUE               ; an empty escrow makes no sense
        ISZERO
        PUSH @init_fail
        JUMPI
        PUSH 64
        PUSH size()
        PUSH 0
        CODECOPY                ; memory[0:64] = seller . arbiter
        PUSH 0
        MLOAD                   ; [seller]
        DUP1
        PUSH 160
        SHR                     ; not a clean address?
        PUSH @init_fail
        JUMPI
        PUSH SELLER
        SSTORE
        PUSH 32
        MLOAD                   ; [arbiter]
        DUP1
        PUSH 160
        SHR
        PUSH @init_fail
        JUMPI
        PUSH ARBITER
        SSTORE
        CALLER
        PUSH BUYER
        SSTORE
        PUSH size(runtime)
        DUP1
        PUSH start(runtime)
        PUSH 0
        CODECOPY
        PUSH 0
        RETURN
init_fail:
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

; ------------------------------------------------------------- runtime --
.section runtime
        CALLVALUE
        PUSH @fail
        JUMPI
        PUSH 4
        CALLDATASIZE
        LT
        PUSH @fail
        JUMPI
        PUSH 0
        CALLDATALOAD
        PUSH 224
        SHR                     ; [sel]
        DUP1
        PUSH selector("release()")
        EQ
        PUSH @release
        JUMPI
        DUP1
        PUSH selector("refund()")
        EQ
        PUSH @refund
        JUMPI
        DUP1
        PUSH selector("buyer()")
        EQ
        PUSH @get_buyer
        JUMPI
        DUP1
        PUSH selector("seller()")
        EQ
        PUSH @get_seller
        JUMPI
        DUP1
        PUSH selector("arbiter()")
        EQ
        PUSH @get_arbiter
        JUMPI
        DUP1
        PUSH selector("settled()")
        EQ
        PUSH @get_settled
        JUMPI
fail:
        JUMPDEST
        PUSH 0
        PUSH 0
        REVERT

get_buyer:
        JUMPDEST
        PUSH BUYER
        PUSH @return_slot
        JUMP
get_seller:
        JUMPDEST
        PUSH SELLER
        PUSH @return_slot
        JUMP
get_arbiter:
        JUMPDEST
        PUSH ARBITER
        PUSH @return_slot
        JUMP
get_settled:
        JUMPDEST
        PUSH SETTLED
return_slot:                    ; [slot] -> return storage[slot]
        JUMPDEST
        SLOAD
        PUSH 0
        MSTORE
        PUSH 32
        PUSH 0
        RETURN

release:                        ; [sel]
        JUMPDEST
        POP
        PUSH BUYER
        SLOAD
        CALLER
        EQ                      ; caller == buyer
        PUSH ARBITER
        SLOAD
        CALLER
        EQ                      ; caller == arbiter
        OR
        ISZERO
        PUSH @fail
        JUMPI
        PUSH SELLER
        SLOAD                   ; [to]
        PUSH @pay
        JUMP

refund:                         ; [sel]
        JUMPDEST
        POP
        PUSH SELLER
        SLOAD
        CALLER
        EQ
        PUSH ARBITER
        SLOAD
        CALLER
        EQ
        OR
        ISZERO
        PUSH @fail
        JUMPI
        PUSH BUYER
        SLOAD                   ; [to]

pay:                            ; [to]
        JUMPDEST
        PUSH SETTLED
        SLOAD
        PUSH @fail              ; settled already
        JUMPI
        PUSH 1
        PUSH SETTLED
        SSTORE                  ; effects before the interaction
        SELFBALANCE             ; [to amount]
        PUSH 0                  ; outSize
        PUSH 0                  ; outOffset
        PUSH 0                  ; inSize
        PUSH 0                  ; inOffset
        DUP5                    ; value = amount
        DUP7                    ; address = to
        GAS                     ; gas: all we may forward (the VM keeps 1/64)
        CALL                    ; [to amount ok]
        ISZERO
        PUSH @fail              ; the payee refused: undo everything
        JUMPI
        PUSH 0
        MSTORE                  ; event data: amount -> [to]
        PUSH topic("Settled(address,uint256)")
        PUSH 32
        PUSH 0
        LOG2                    ; topics: Settled, to
        STOP
