// Package childproc ties child processes to the imogate process that starts
// them: a child started with DieWithParent is signalled when its parent dies,
// even by SIGKILL, where the operating system offers that (Linux's
// parent-death signal). Elsewhere it is a no-op and children are stopped by
// their parent's cleanup only.
package childproc
