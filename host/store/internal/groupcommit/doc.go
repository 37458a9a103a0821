// Package groupcommit lets concurrent writers share one durable
// transaction: the first writer to arrive becomes the leader and commits
// every write queued while the previous commit was running, then hands
// leadership to the next waiting writer. One fsync then makes a whole group
// durable, and no writer waits on a timer: alone, a write commits at once.
//
// # Contract for write functions
//
// A write function runs inside a transaction shared with other writes. It
// must check its preconditions before it writes anything and report an
// expected outcome (a conflict, a missing key) as an [*errcode.Error]: the
// group then records that outcome for its caller and goes on with the next
// write in the same transaction. Any other error (a failed put, an I/O
// error) aborts the shared transaction; every write of the group is then
// retried in a transaction of its own, so one failure never changes
// another caller's outcome. A function may therefore run more than once,
// but it is committed at most once.
//
// # Concurrency
//
// A [Group] is safe for concurrent use; at most one of its transactions
// runs at a time, so a backend needs no other write lock in the process.
package groupcommit
