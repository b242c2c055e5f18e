// Package pkgdoc holds repository-wide source checks that belong to no
// single package: every Go package has a package doc comment.
package pkgdoc
