/* SPDX-License-Identifier: MIT */
/* Compiler attributes, spelled once. */
#ifndef ATTRS_H
#define ATTRS_H

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#define ATTR_UNUSED __attribute__((unused))
#define ATTR_WARN_UNUSED __attribute__((warn_unused_result))
#define ATTR_MALLOC __attribute__((malloc))

#endif
