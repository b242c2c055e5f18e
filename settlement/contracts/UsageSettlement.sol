// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/**
 * @title UsageSettlement
 * @notice Commits batches of imogate usage receipts on-chain and deposits their fees into the model's
 * ERC-7641 token.
 *
 * State is kept per (operator, token), where the operator is the address that calls `settle`, so any
 * operator can settle into any ERC-7641 token that accepts ETH through `receive()`, whether or not the
 * token has an `owner()`. An operator's batches for a token are numbered 0, 1, 2 ... and cover
 * contiguous, non-overlapping ranges of receipt sequence numbers starting at 1; each settles exactly
 * once. No other account can write an operator's state.
 *
 * Receipts are the EIP-712 struct `Receipt` signed under the domain ("imogate", "1", chain id, this
 * contract). A batch's Merkle root is the root of an OpenZeppelin `StandardMerkleTree` whose leaves are
 * `keccak256(keccak256(abi.encode(receipt fields in type order)))`.
 *
 * Each operator registers the address that signs its receipts, and may rotate it. A batch records the
 * signer registered when it settled, so old receipts stay verifiable after a rotation. An operator must
 * therefore rotate only after settling every receipt signed with the old key.
 *
 * Where a token has an `owner()`, that owner may endorse operators. Endorsement is informational (it
 * gates nothing here): `isEndorsed` is true only while the endorsing address is still the token's owner.
 */
contract UsageSettlement is EIP712, ReentrancyGuardTransient {
    /// @notice A usage receipt, field for field the EIP-712 type `RECEIPT_TYPE`.
    struct Receipt {
        bytes32 id;
        address model;
        bytes32 payer;
        uint64 seq;
        uint64 timestamp;
        uint32 promptTokens;
        uint32 completionTokens;
        uint256 fee;
        bytes32 requestHash;
        bytes32 responseHash;
    }

    /// @dev One settled batch. The first sequence number is the previous batch's last plus one (1 for
    /// batch 0), so it is not stored.
    struct Batch {
        bytes32 root;
        address signer;
        uint64 lastSeq;
    }

    /// @dev The settlement state of one (operator, token) pair.
    struct Channel {
        uint64 nextBatchId;
        uint64 lastSeq;
        mapping(uint256 batchId => Batch) batches;
    }

    /// @notice The EIP-712 type of a receipt. Its field order is frozen.
    string public constant RECEIPT_TYPE =
        "Receipt(bytes32 id,address model,bytes32 payer,uint64 seq,uint64 timestamp,"
        "uint32 promptTokens,uint32 completionTokens,uint256 fee,bytes32 requestHash,bytes32 responseHash)";

    /// @notice keccak256 of `RECEIPT_TYPE`.
    bytes32 public constant RECEIPT_TYPEHASH = keccak256(bytes(RECEIPT_TYPE));

    mapping(address operator => address) private _signers;
    mapping(address operator => mapping(address token => Channel)) private _channels;
    mapping(address token => mapping(address operator => address endorser)) private _endorsements;

    /// @notice Emitted when `operator` registers or rotates its receipt signer.
    event SignerSet(address indexed operator, address indexed previousSigner, address indexed signer);

    /**
     * @notice Emitted for every settled batch: receipts `firstSeq..lastSeq` (`receiptCount` of them) of
     * `operator` for `token`, committed under `root`, signed by `signer`, with `value` wei deposited.
     */
    event Settled(
        address indexed operator,
        address indexed token,
        uint256 indexed batchId,
        bytes32 root,
        uint64 firstSeq,
        uint64 lastSeq,
        uint256 receiptCount,
        uint256 value,
        address signer
    );

    /// @notice Emitted when `owner`, the owner of `token`, endorses (or revokes) `operator`.
    event OperatorEndorsed(address indexed token, address indexed operator, address indexed owner, bool endorsed);

    /// @notice The signer address is zero.
    error ZeroSigner();
    /// @notice `operator` has not registered a receipt signer.
    error NoSigner(address operator);
    /// @notice The batch id is not the next one for (operator, token).
    error WrongBatchId(uint64 expected, uint64 got);
    /// @notice The first sequence number is not the next one for (operator, token).
    error WrongFirstSeq(uint64 expected, uint64 got);
    /// @notice `lastSeq` is below `firstSeq`.
    error EmptyRange(uint64 firstSeq, uint64 lastSeq);
    /// @notice The Merkle root is zero.
    error ZeroRoot();
    /// @notice `token` has no code.
    error NotAContract(address token);
    /// @notice `token` has no readable `owner()`.
    error NoOwner(address token);
    /// @notice `caller` is not the owner of `token`.
    error NotTokenOwner(address token, address caller);

    constructor() EIP712("imogate", "1") {}

    /**
     * @notice Registers `signer` as the caller's receipt signer, replacing any previous one for future
     * batches.
     */
    function setSigner(address signer) external {
        if (signer == address(0)) revert ZeroSigner();
        address previous = _signers[msg.sender];
        _signers[msg.sender] = signer;
        emit SignerSet(msg.sender, previous, signer);
    }

    /**
     * @notice Settles batch `batchId` of the caller's receipts for `token`: receipts `firstSeq..lastSeq`
     * committed under `root`, and `msg.value` (the sum of their fees) forwarded to the token.
     * @dev Requires a registered signer, the next batch id and the next sequence number for
     * (msg.sender, token), a non-zero root and a non-empty range. State is written and the event emitted
     * before the ETH is forwarded with a plain call that passes all remaining gas (never `transfer`);
     * a revert in the token's `receive()` reverts the settlement. No ETH call is made when
     * `msg.value` is zero. Non-reentrant.
     */
    function settle(address token, uint64 batchId, bytes32 root, uint64 firstSeq, uint64 lastSeq)
        external
        payable
        nonReentrant
    {
        address signer = _signers[msg.sender];
        if (signer == address(0)) revert NoSigner(msg.sender);
        if (root == bytes32(0)) revert ZeroRoot();
        if (lastSeq < firstSeq) revert EmptyRange(firstSeq, lastSeq);
        if (token.code.length == 0) revert NotAContract(token);

        Channel storage ch = _channels[msg.sender][token];
        if (batchId != ch.nextBatchId) revert WrongBatchId(ch.nextBatchId, batchId);
        if (firstSeq != ch.lastSeq + 1) revert WrongFirstSeq(ch.lastSeq + 1, firstSeq);

        ch.nextBatchId = batchId + 1;
        ch.lastSeq = lastSeq;
        ch.batches[batchId] = Batch({root: root, signer: signer, lastSeq: lastSeq});

        emit Settled(
            msg.sender, token, batchId, root, firstSeq, lastSeq, uint256(lastSeq - firstSeq) + 1, msg.value, signer
        );

        if (msg.value != 0) Address.sendValue(payable(token), msg.value);
    }

    /**
     * @notice Endorses (`endorsed` true) or revokes `operator` for `token`. Only `token.owner()` may.
     * @dev Reverts with `NoOwner` for a token without a readable `owner()`.
     */
    function setEndorsement(address token, address operator, bool endorsed) external {
        (bool ok, address owner) = _ownerOf(token);
        if (!ok) revert NoOwner(token);
        if (msg.sender != owner) revert NotTokenOwner(token, msg.sender);
        _endorsements[token][operator] = endorsed ? owner : address(0);
        emit OperatorEndorsed(token, operator, owner, endorsed);
    }

    /// @notice Whether the current owner of `token` endorses `operator`. False for tokens without owner.
    function isEndorsed(address token, address operator) external view returns (bool) {
        address endorser = _endorsements[token][operator];
        if (endorser == address(0)) return false;
        (bool ok, address owner) = _ownerOf(token);
        return ok && owner == endorser;
    }

    /// @notice The receipt signer `operator` registered last (zero if none).
    function signerOf(address operator) external view returns (address) {
        return _signers[operator];
    }

    /// @notice The batch id `operator`'s next settlement for `token` must use.
    function nextBatchId(address operator, address token) external view returns (uint64) {
        return _channels[operator][token].nextBatchId;
    }

    /// @notice The first sequence number `operator`'s next settlement for `token` must use.
    function nextSeq(address operator, address token) external view returns (uint64) {
        return _channels[operator][token].lastSeq + 1;
    }

    /**
     * @notice A settled batch: its root, sequence range and the signer registered when it settled.
     * All zero for a batch that has not settled.
     */
    function getBatch(address operator, address token, uint64 batchId)
        public
        view
        returns (bytes32 root, uint64 firstSeq, uint64 lastSeq, address signer)
    {
        Channel storage ch = _channels[operator][token];
        if (batchId >= ch.nextBatchId) return (bytes32(0), 0, 0, address(0));
        Batch storage b = ch.batches[batchId];
        firstSeq = batchId == 0 ? 1 : ch.batches[batchId - 1].lastSeq + 1;
        return (b.root, firstSeq, b.lastSeq, b.signer);
    }

    /**
     * @notice Whether `receipt` belongs to batch `batchId` of `operator` for `token`: the receipt's model
     * is `token`, its seq is in the batch's range, and `proof` proves its leaf, rebuilt here from its
     * fields, against the batch's root with OpenZeppelin `MerkleProof`. False for an unsettled batch.
     */
    function verifyReceipt(
        address operator,
        address token,
        uint64 batchId,
        Receipt calldata receipt,
        bytes32[] calldata proof
    ) external view returns (bool) {
        if (receipt.model != token) return false;
        (bytes32 root, uint64 firstSeq, uint64 lastSeq,) = getBatch(operator, token, batchId);
        if (root == bytes32(0) || receipt.seq < firstSeq || receipt.seq > lastSeq) return false;
        return MerkleProof.verifyCalldata(proof, root, receiptLeaf(receipt));
    }

    /**
     * @notice Whether `signature` (65 bytes r‖s‖v, low s) over `receipt`'s EIP-712 digest is by the signer
     * recorded for batch `batchId` of `operator` for `token`, and the receipt is in that batch's model
     * and range. False for an unsettled batch or a malformed signature.
     */
    function verifyReceiptSignature(
        address operator,
        address token,
        uint64 batchId,
        Receipt calldata receipt,
        bytes calldata signature
    ) external view returns (bool) {
        if (receipt.model != token) return false;
        (, uint64 firstSeq, uint64 lastSeq, address signer) = getBatch(operator, token, batchId);
        if (signer == address(0) || receipt.seq < firstSeq || receipt.seq > lastSeq) return false;
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(receiptDigest(receipt), signature);
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }

    /// @notice The OpenZeppelin standard Merkle leaf of `receipt`: keccak256(keccak256(abi.encode(fields))).
    function receiptLeaf(Receipt calldata receipt) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(receipt))));
    }

    /// @notice The EIP-712 digest of `receipt` under this contract's domain.
    function receiptDigest(Receipt calldata receipt) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RECEIPT_TYPEHASH, receipt)));
    }

    /// @notice The EIP-712 domain separator ("imogate", "1", chain id, this contract).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Reads `token.owner()` without trusting it to exist or to return a clean address.
    function _ownerOf(address token) private view returns (bool ok, address owner) {
        (bool success, bytes memory ret) = token.staticcall(abi.encodeWithSignature("owner()"));
        if (!success || ret.length < 32) return (false, address(0));
        uint256 word = abi.decode(ret, (uint256));
        if (word >> 160 != 0) return (false, address(0));
        return (true, address(uint160(word)));
    }
}
