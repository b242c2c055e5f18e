// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IERC7641} from "./IERC7641.sol";

/**
 * @title ERC7641
 * @notice An ERC-20 whose holders share the ETH revenue the contract receives (EIP-7641).
 *
 * Revenue is plain ETH sent to `receive()`. Any ETH the contract holds beyond the claim pool and the
 * burn pool is "pending revenue". A snapshot, which anyone may take once `snapshotInterval` seconds
 * have passed since the previous one, splits the pending revenue: `percentClaimable`% of it becomes
 * claimable by the holders at that snapshot, pro rata to their balances, and the rest joins the burn
 * pool, from which holders redeem by burning tokens.
 *
 * Rules that EIP-7641 leaves open, as this contract fixes them:
 *
 * - Snapshot ids start at 1 and increase by 1. A snapshot's shares are the balances and the total
 *   supply as of the end of the block BEFORE the block that takes it (the rule OpenZeppelin's `Votes`
 *   uses for `getPastVotes`): balances are stored with OpenZeppelin `Checkpoints` keyed by block
 *   number, and a snapshot records `block.number - 1`, so a snapshot costs O(1) whatever the number of
 *   holders. Tokens held only within the snapshot's own block earn nothing from it: borrowing tokens,
 *   taking a snapshot and returning them in one block (a flash loan) moves no revenue. Balances and
 *   supply are capped at 2^208 - 1 tokens (the checkpoint value width).
 * - The rate limit is time-based: `snapshot()` reverts before `lastSnapshotTime + snapshotInterval`.
 *   The first snapshot may be taken `snapshotInterval` seconds after deployment.
 * - Pending revenue is everything in the contract's balance that is not reserved, so ETH forced in
 *   without calling `receive()` (self-destruct, block rewards) is revenue too. `RevenueReceived` is
 *   emitted only for ETH that arrives through `receive()`.
 * - Rounding always goes down, and in the contract's favour: the claimable part of a snapshot is
 *   `floor(newRevenue * percentClaimable / 100)` and the burn pool gets the rest (so the burn pool gets
 *   the rounding remainder); a holder's claim is `floor(balance * claimable / supply)` at the snapshot;
 *   a redemption is `floor(amount * pool / supply)`. Claim rounding dust (less than one wei per holder
 *   per snapshot) stays reserved in the claim pool forever; redemption rounding dust stays in the burn
 *   pool and so benefits the remaining holders.
 * - Unclaimed revenue never expires and is never redistributed: it stays reserved for the holders of
 *   that snapshot, who may claim it at any later time, even after transferring or burning their tokens.
 *   It is not part of what a burn redeems.
 * - Each (holder, snapshot) pair can be claimed once. Claiming for a snapshot id that does not exist,
 *   that the caller already claimed, or that would pay zero reverts. `claimBatch` is all-or-nothing and
 *   pays the sum in a single transfer.
 * - A burn redeems `amount / totalSupply` of the burn pool plus the same fraction of the burn-pool share
 *   of the pending revenue (the `100 - percentClaimable`% that the next snapshot would move to the burn
 *   pool), so burning before a snapshot forfeits nothing but the holder's claim on that snapshot (a
 *   burn in the snapshot's own block keeps that claim: the snapshot reads the block before).
 *   Burning zero tokens reverts.
 * - If the total supply is zero at a snapshot, nobody can claim, so the whole pending revenue goes to the
 *   burn pool (where, without holders, it stays locked).
 * - Revenue is paid out with a plain call forwarding all gas; claim, claimBatch, burn and snapshot are
 *   non-reentrant and update state before paying.
 */
abstract contract ERC7641 is ERC20, ReentrancyGuardTransient, IERC7641 {
    using Checkpoints for Checkpoints.Trace208;

    /// @notice The percentage (0 to 100) of each snapshot's new revenue that holders can claim.
    uint256 public immutable percentClaimable;

    /// @notice The minimum number of seconds between two snapshots.
    uint256 public immutable snapshotInterval;

    /// @notice The block timestamp of the last snapshot (the deployment time before the first one).
    uint48 public lastSnapshotTime;

    /// @notice The id of the last snapshot taken, 0 before the first one.
    uint48 public currentSnapshotId;

    uint256 private _claimPool;
    uint256 private _burnPool;
    uint256 private _redeemedFromPending;

    mapping(uint256 snapshotId => uint256) private _claimableAt;
    mapping(uint256 snapshotId => uint48 blockNumber) private _snapshotBlock;
    mapping(uint256 snapshotId => mapping(address account => bool)) private _claimed;
    mapping(address account => Checkpoints.Trace208) private _balanceHistory;
    Checkpoints.Trace208 private _supplyHistory;

    /// @notice Emitted when ETH arrives through `receive()`.
    event RevenueReceived(address indexed from, uint256 amount);

    /// @notice Emitted by `snapshot()`: `newRevenue` was split into `claimable` and `toBurnPool`.
    event Snapshot(uint256 indexed snapshotId, uint256 newRevenue, uint256 claimable, uint256 toBurnPool);

    /// @notice Emitted when `account` claims `amount` wei for `snapshotId`.
    event Claim(address indexed account, uint256 indexed snapshotId, uint256 amount);

    /// @notice Emitted when `account` burns `burned` tokens and receives `amount` wei.
    event Redeem(address indexed account, uint256 burned, uint256 amount);

    /// @notice `percentClaimable` is above 100.
    error ERC7641InvalidPercent(uint256 percentClaimable);
    /// @notice `snapshotInterval` is zero.
    error ERC7641InvalidInterval();
    /// @notice A snapshot was requested before `notBefore`.
    error ERC7641SnapshotTooSoon(uint256 notBefore);
    /// @notice `snapshotId` does not name a snapshot taken so far.
    error ERC7641InvalidSnapshot(uint256 snapshotId);
    /// @notice `account` already claimed for `snapshotId`.
    error ERC7641AlreadyClaimed(address account, uint256 snapshotId);
    /// @notice `account` has nothing to claim for `snapshotId`.
    error ERC7641NothingToClaim(address account, uint256 snapshotId);
    /// @notice A burn of zero tokens.
    error ERC7641ZeroAmount();

    /**
     * @param percentClaimable_ The percentage (0 to 100) of new revenue claimable at each snapshot.
     * @param snapshotInterval_ The minimum number of seconds between snapshots, at least 1.
     */
    constructor(uint256 percentClaimable_, uint256 snapshotInterval_) {
        if (percentClaimable_ > 100) revert ERC7641InvalidPercent(percentClaimable_);
        if (snapshotInterval_ == 0) revert ERC7641InvalidInterval();
        percentClaimable = percentClaimable_;
        snapshotInterval = snapshotInterval_;
        lastSnapshotTime = SafeCast.toUint48(block.timestamp);
    }

    /// @notice Accepts revenue. Anyone may send it; it is split at the next snapshot.
    receive() external payable virtual {
        emit RevenueReceived(msg.sender, msg.value);
    }

    /// @inheritdoc IERC7641
    function snapshot() external virtual nonReentrant returns (uint256 snapshotId) {
        uint256 notBefore = nextSnapshotTime();
        if (block.timestamp < notBefore) revert ERC7641SnapshotTooSoon(notBefore);

        snapshotId = uint256(currentSnapshotId) + 1;
        currentSnapshotId = SafeCast.toUint48(snapshotId);
        lastSnapshotTime = SafeCast.toUint48(block.timestamp);
        _snapshotBlock[snapshotId] = SafeCast.toUint48(block.number - 1);
        _snapshotBlock[snapshotId] = SafeCast.toUint48(block.number - 1);

        uint256 newRevenue = _pendingGross();
        uint256 claimable = totalSupply() == 0 ? 0 : (newRevenue * percentClaimable) / 100;
        uint256 toBurnPool = newRevenue - claimable;
        _claimableAt[snapshotId] = claimable;
        _claimPool += claimable;
        // Part of the burn share was already paid to burners before this snapshot.
        _burnPool += toBurnPool - _redeemedFromPending;
        _redeemedFromPending = 0;

        emit Snapshot(snapshotId, newRevenue, claimable, toBurnPool);
    }

    /// @inheritdoc IERC7641
    /// @dev Returns 0 for an unknown snapshot id, an already claimed one, or a zero balance or supply.
    function claimableRevenue(address account, uint256 snapshotId) public view virtual returns (uint256) {
        if (snapshotId == 0 || snapshotId > currentSnapshotId || _claimed[snapshotId][account]) return 0;
        uint256 supply = totalSupplyAt(snapshotId);
        if (supply == 0) return 0;
        return Math.mulDiv(balanceOfAt(account, snapshotId), _claimableAt[snapshotId], supply);
    }

    /// @inheritdoc IERC7641
    function claim(uint256 snapshotId) external virtual nonReentrant {
        uint256 amount = _claim(msg.sender, snapshotId);
        Address.sendValue(payable(msg.sender), amount);
    }

    /**
     * @notice Claims for every snapshot in `snapshotIds` and pays the sum in one transfer.
     * @dev All-or-nothing: reverts if any id is unknown, repeated, already claimed or pays zero.
     */
    function claimBatch(uint256[] calldata snapshotIds) external virtual nonReentrant {
        uint256 total;
        for (uint256 i = 0; i < snapshotIds.length; ++i) {
            total += _claim(msg.sender, snapshotIds[i]);
        }
        Address.sendValue(payable(msg.sender), total);
    }

    /// @inheritdoc IERC7641
    /// @dev Returns 0 when the total supply is zero. Meaningless for `amount` above the total supply.
    function redeemableOnBurn(uint256 amount) public view virtual returns (uint256) {
        (uint256 fromPool, uint256 fromPending) = _redeemable(amount, totalSupply());
        return fromPool + fromPending;
    }

    /// @inheritdoc IERC7641
    function burn(uint256 amount) external virtual nonReentrant {
        if (amount == 0) revert ERC7641ZeroAmount();
        (uint256 fromPool, uint256 fromPending) = _redeemable(amount, totalSupply());
        _burn(msg.sender, amount);
        _burnPool -= fromPool;
        _redeemedFromPending += fromPending;
        uint256 paid = fromPool + fromPending;
        emit Redeem(msg.sender, amount, paid);
        if (paid != 0) Address.sendValue(payable(msg.sender), paid);
    }

    /// @notice The earliest block timestamp at which `snapshot()` succeeds.
    function nextSnapshotTime() public view returns (uint256) {
        return uint256(lastSnapshotTime) + snapshotInterval;
    }

    /// @notice The balance of `account` at snapshot `snapshotId` (reverts for an unknown id).
    function balanceOfAt(address account, uint256 snapshotId) public view returns (uint256) {
        return _balanceHistory[account].upperLookupRecent(_keyBefore(snapshotId));
    }

    /// @notice The total supply at snapshot `snapshotId` (reverts for an unknown id).
    function totalSupplyAt(uint256 snapshotId) public view returns (uint256) {
        return _supplyHistory.upperLookupRecent(_keyBefore(snapshotId));
    }

    /// @notice The block whose closing balances snapshot `snapshotId` shares by: the one before the block
    /// that took it (reverts for an unknown id).
    function snapshotBlock(uint256 snapshotId) external view returns (uint256) {
        return _keyBefore(snapshotId);
    }

    /// @notice The total wei made claimable at snapshot `snapshotId` (0 for an unknown id).
    function claimableAtSnapshot(uint256 snapshotId) external view returns (uint256) {
        return _claimableAt[snapshotId];
    }

    /// @notice Whether `account` has claimed for `snapshotId`.
    function hasClaimed(address account, uint256 snapshotId) external view returns (bool) {
        return _claimed[snapshotId][account];
    }

    /// @notice Wei reserved for claims not yet made (including rounding dust).
    function claimPool() external view returns (uint256) {
        return _claimPool;
    }

    /// @notice Wei in the burn pool, redeemable by burning tokens.
    function burnPool() external view returns (uint256) {
        return _burnPool;
    }

    /// @notice Wei received since the last snapshot and not yet redeemed: what the next snapshot splits,
    /// less what burners already took from its burn share.
    function pendingRevenue() external view returns (uint256) {
        return address(this).balance - _claimPool - _burnPool;
    }

    /// @dev Records balances and supply at the current block after every ERC-20 update.
    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        uint48 key = SafeCast.toUint48(block.number);
        if (from == address(0) || to == address(0)) {
            _supplyHistory.push(key, SafeCast.toUint208(totalSupply()));
        }
        if (from != address(0)) {
            _balanceHistory[from].push(key, SafeCast.toUint208(balanceOf(from)));
        }
        if (to != address(0)) {
            _balanceHistory[to].push(key, SafeCast.toUint208(balanceOf(to)));
        }
    }

    /// @dev Checks and records a claim and returns its amount; the caller pays it.
    function _claim(address account, uint256 snapshotId) private returns (uint256 amount) {
        if (snapshotId == 0 || snapshotId > currentSnapshotId) revert ERC7641InvalidSnapshot(snapshotId);
        if (_claimed[snapshotId][account]) revert ERC7641AlreadyClaimed(account, snapshotId);
        amount = claimableRevenue(account, snapshotId);
        if (amount == 0) revert ERC7641NothingToClaim(account, snapshotId);
        _claimed[snapshotId][account] = true;
        _claimPool -= amount;
        emit Claim(account, snapshotId, amount);
    }

    /// @dev Gross revenue since the last snapshot, including what burners already redeemed from it.
    function _pendingGross() private view returns (uint256) {
        return address(this).balance + _redeemedFromPending - _claimPool - _burnPool;
    }

    /// @dev What burning `amount` of `supply` pays from the burn pool and from the pending burn share.
    function _redeemable(uint256 amount, uint256 supply) private view returns (uint256 fromPool, uint256 fromPending) {
        if (supply == 0) return (0, 0);
        uint256 gross = _pendingGross();
        uint256 pendingBurnShare = gross - (gross * percentClaimable) / 100;
        fromPool = Math.mulDiv(amount, _burnPool, supply);
        fromPending = Math.mulDiv(amount, pendingBurnShare - _redeemedFromPending, supply);
    }

    /// @dev The checkpoint key holding values as of snapshot `snapshotId`: the block before the one that
    /// took it.
    function _keyBefore(uint256 snapshotId) private view returns (uint48) {
        if (snapshotId == 0 || snapshotId > currentSnapshotId) revert ERC7641InvalidSnapshot(snapshotId);
        return _snapshotBlock[snapshotId];
    }
}
