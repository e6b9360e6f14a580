#pragma once
// EDDPM_VECTOR_CLONES before a function with plain array loops compiles it for AVX-512, for AVX2
// and for baseline x86-64, and the loader picks the best the CPU runs: the Debian packages and the
// CI build for baseline x86-64, where the loops would get 128-bit vectors only. Left out where
// resolvers cannot run (ThreadSanitizer crashes in them) and off x86-64.
#if defined(__SANITIZE_THREAD__)
#define EDDPM_NO_VECTOR_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EDDPM_NO_VECTOR_CLONES
#endif
#endif

#if defined(__x86_64__) && defined(__gnu_linux__) && !defined(EDDPM_NO_VECTOR_CLONES)
#define EDDPM_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define EDDPM_VECTOR_CLONES
#endif
