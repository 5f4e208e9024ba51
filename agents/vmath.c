/** \file vmath.c
 * The four-lane exp reproduces, lane by lane, the algorithm of the GNU C
 * library's exp() (glibc 2.28 and later, from Arm's optimized-routines,
 * Szabolcs Nagy): x = k ln2/128 + r, exp(x) = 2^(k/128) exp(r), with 2^(k/128)
 * from a table of 128 pairs and exp(r) - 1 a degree-5 polynomial. The C
 * library runs its variant compiled for FMA (__exp_fma) on every processor
 * with AVX2 and FMA; this path follows that variant's machine code operation
 * for operation: the same fused multiply-adds, products and sums, in the
 * same order, on the same constants and table (the values of glibc 2.36's
 * __exp_data). Correctly rounded IEEE operations give the same bits in a
 * vector lane as in a scalar register, so each lane equals the library's
 * exp. Inputs outside the algorithm's main range (|x| < 2^-54, |x| >= 512,
 * NaN, infinities) are handed to the library.
 *
 * Why: the revenue of every firm is exp(log revenue) after its monthly
 * growth, and the library's exp, one call at a time, cost about 5 ns per
 * firm-month (measured by a build computing it twice).
 *
 * The first call checks the path against the library on inputs across the
 * range; where they differ (another C library, or a variant chosen by a
 * tunable) vmath_exp() calls the library, so results never depend on which
 * path ran. test_vmath compares the two on millions of inputs.
 */
#include "vmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

static const uint64_t EXP_K[8] = {
    UINT64_C(0x40671547652b82fe), /* 128 / ln 2 */
    UINT64_C(0xbf762e42fefa0000), /* -ln 2 / 128, high part */
    UINT64_C(0xbd0cf79abc9e3b3a), /* -ln 2 / 128, low part */
    UINT64_C(0x3fdffffffffffdbd), /* C2 */
    UINT64_C(0x3fc555555555543c), /* C3 */
    UINT64_C(0x3fa55555cf172b91), /* C4 */
    UINT64_C(0x3f81111167a4d017), /* C5 */
    UINT64_C(0x4338000000000000), /* 1.5 * 2^52: rounds to an integer by addition */
};

/* Pairs (tail, scale bits - (i << 45)) for 2^(i/128), i = 0..127. */
static const uint64_t EXP_TAB[256] = {
    UINT64_C(0x0000000000000000), UINT64_C(0x3ff0000000000000), UINT64_C(0x3c9b3b4f1a88bf6e), UINT64_C(0x3feff63da9fb3335),
    UINT64_C(0xbc7160139cd8dc5d), UINT64_C(0x3fefec9a3e778061), UINT64_C(0xbc905e7a108766d1), UINT64_C(0x3fefe315e86e7f85),
    UINT64_C(0x3c8cd2523567f613), UINT64_C(0x3fefd9b0d3158574), UINT64_C(0xbc8bce8023f98efa), UINT64_C(0x3fefd06b29ddf6de),
    UINT64_C(0x3c60f74e61e6c861), UINT64_C(0x3fefc74518759bc8), UINT64_C(0x3c90a3e45b33d399), UINT64_C(0x3fefbe3ecac6f383),
    UINT64_C(0x3c979aa65d837b6d), UINT64_C(0x3fefb5586cf9890f), UINT64_C(0x3c8eb51a92fdeffc), UINT64_C(0x3fefac922b7247f7),
    UINT64_C(0x3c3ebe3d702f9cd1), UINT64_C(0x3fefa3ec32d3d1a2), UINT64_C(0xbc6a033489906e0b), UINT64_C(0x3fef9b66affed31b),
    UINT64_C(0xbc9556522a2fbd0e), UINT64_C(0x3fef9301d0125b51), UINT64_C(0xbc5080ef8c4eea55), UINT64_C(0x3fef8abdc06c31cc),
    UINT64_C(0xbc91c923b9d5f416), UINT64_C(0x3fef829aaea92de0), UINT64_C(0x3c80d3e3e95c55af), UINT64_C(0x3fef7a98c8a58e51),
    UINT64_C(0xbc801b15eaa59348), UINT64_C(0x3fef72b83c7d517b), UINT64_C(0xbc8f1ff055de323d), UINT64_C(0x3fef6af9388c8dea),
    UINT64_C(0x3c8b898c3f1353bf), UINT64_C(0x3fef635beb6fcb75), UINT64_C(0xbc96d99c7611eb26), UINT64_C(0x3fef5be084045cd4),
    UINT64_C(0x3c9aecf73e3a2f60), UINT64_C(0x3fef54873168b9aa), UINT64_C(0xbc8fe782cb86389d), UINT64_C(0x3fef4d5022fcd91d),
    UINT64_C(0x3c8a6f4144a6c38d), UINT64_C(0x3fef463b88628cd6), UINT64_C(0x3c807a05b0e4047d), UINT64_C(0x3fef3f49917ddc96),
    UINT64_C(0x3c968efde3a8a894), UINT64_C(0x3fef387a6e756238), UINT64_C(0x3c875e18f274487d), UINT64_C(0x3fef31ce4fb2a63f),
    UINT64_C(0x3c80472b981fe7f2), UINT64_C(0x3fef2b4565e27cdd), UINT64_C(0xbc96b87b3f71085e), UINT64_C(0x3fef24dfe1f56381),
    UINT64_C(0x3c82f7e16d09ab31), UINT64_C(0x3fef1e9df51fdee1), UINT64_C(0xbc3d219b1a6fbffa), UINT64_C(0x3fef187fd0dad990),
    UINT64_C(0x3c8b3782720c0ab4), UINT64_C(0x3fef1285a6e4030b), UINT64_C(0x3c6e149289cecb8f), UINT64_C(0x3fef0cafa93e2f56),
    UINT64_C(0x3c834d754db0abb6), UINT64_C(0x3fef06fe0a31b715), UINT64_C(0x3c864201e2ac744c), UINT64_C(0x3fef0170fc4cd831),
    UINT64_C(0x3c8fdd395dd3f84a), UINT64_C(0x3feefc08b26416ff), UINT64_C(0xbc86a3803b8e5b04), UINT64_C(0x3feef6c55f929ff1),
    UINT64_C(0xbc924aedcc4b5068), UINT64_C(0x3feef1a7373aa9cb), UINT64_C(0xbc9907f81b512d8e), UINT64_C(0x3feeecae6d05d866),
    UINT64_C(0xbc71d1e83e9436d2), UINT64_C(0x3feee7db34e59ff7), UINT64_C(0xbc991919b3ce1b15), UINT64_C(0x3feee32dc313a8e5),
    UINT64_C(0x3c859f48a72a4c6d), UINT64_C(0x3feedea64c123422), UINT64_C(0xbc9312607a28698a), UINT64_C(0x3feeda4504ac801c),
    UINT64_C(0xbc58a78f4817895b), UINT64_C(0x3feed60a21f72e2a), UINT64_C(0xbc7c2c9b67499a1b), UINT64_C(0x3feed1f5d950a897),
    UINT64_C(0x3c4363ed60c2ac11), UINT64_C(0x3feece086061892d), UINT64_C(0x3c9666093b0664ef), UINT64_C(0x3feeca41ed1d0057),
    UINT64_C(0x3c6ecce1daa10379), UINT64_C(0x3feec6a2b5c13cd0), UINT64_C(0x3c93ff8e3f0f1230), UINT64_C(0x3feec32af0d7d3de),
    UINT64_C(0x3c7690cebb7aafb0), UINT64_C(0x3feebfdad5362a27), UINT64_C(0x3c931dbdeb54e077), UINT64_C(0x3feebcb299fddd0d),
    UINT64_C(0xbc8f94340071a38e), UINT64_C(0x3feeb9b2769d2ca7), UINT64_C(0xbc87deccdc93a349), UINT64_C(0x3feeb6daa2cf6642),
    UINT64_C(0xbc78dec6bd0f385f), UINT64_C(0x3feeb42b569d4f82), UINT64_C(0xbc861246ec7b5cf6), UINT64_C(0x3feeb1a4ca5d920f),
    UINT64_C(0x3c93350518fdd78e), UINT64_C(0x3feeaf4736b527da), UINT64_C(0x3c7b98b72f8a9b05), UINT64_C(0x3feead12d497c7fd),
    UINT64_C(0x3c9063e1e21c5409), UINT64_C(0x3feeab07dd485429), UINT64_C(0x3c34c7855019c6ea), UINT64_C(0x3feea9268a5946b7),
    UINT64_C(0x3c9432e62b64c035), UINT64_C(0x3feea76f15ad2148), UINT64_C(0xbc8ce44a6199769f), UINT64_C(0x3feea5e1b976dc09),
    UINT64_C(0xbc8c33c53bef4da8), UINT64_C(0x3feea47eb03a5585), UINT64_C(0xbc845378892be9ae), UINT64_C(0x3feea34634ccc320),
    UINT64_C(0xbc93cedd78565858), UINT64_C(0x3feea23882552225), UINT64_C(0x3c5710aa807e1964), UINT64_C(0x3feea155d44ca973),
    UINT64_C(0xbc93b3efbf5e2228), UINT64_C(0x3feea09e667f3bcd), UINT64_C(0xbc6a12ad8734b982), UINT64_C(0x3feea012750bdabf),
    UINT64_C(0xbc6367efb86da9ee), UINT64_C(0x3fee9fb23c651a2f), UINT64_C(0xbc80dc3d54e08851), UINT64_C(0x3fee9f7df9519484),
    UINT64_C(0xbc781f647e5a3ecf), UINT64_C(0x3fee9f75e8ec5f74), UINT64_C(0xbc86ee4ac08b7db0), UINT64_C(0x3fee9f9a48a58174),
    UINT64_C(0xbc8619321e55e68a), UINT64_C(0x3fee9feb564267c9), UINT64_C(0x3c909ccb5e09d4d3), UINT64_C(0x3feea0694fde5d3f),
    UINT64_C(0xbc7b32dcb94da51d), UINT64_C(0x3feea11473eb0187), UINT64_C(0x3c94ecfd5467c06b), UINT64_C(0x3feea1ed0130c132),
    UINT64_C(0x3c65ebe1abd66c55), UINT64_C(0x3feea2f336cf4e62), UINT64_C(0xbc88a1c52fb3cf42), UINT64_C(0x3feea427543e1a12),
    UINT64_C(0xbc9369b6f13b3734), UINT64_C(0x3feea589994cce13), UINT64_C(0xbc805e843a19ff1e), UINT64_C(0x3feea71a4623c7ad),
    UINT64_C(0xbc94d450d872576e), UINT64_C(0x3feea8d99b4492ed), UINT64_C(0x3c90ad675b0e8a00), UINT64_C(0x3feeaac7d98a6699),
    UINT64_C(0x3c8db72fc1f0eab4), UINT64_C(0x3feeace5422aa0db), UINT64_C(0xbc65b6609cc5e7ff), UINT64_C(0x3feeaf3216b5448c),
    UINT64_C(0x3c7bf68359f35f44), UINT64_C(0x3feeb1ae99157736), UINT64_C(0xbc93091fa71e3d83), UINT64_C(0x3feeb45b0b91ffc6),
    UINT64_C(0xbc5da9b88b6c1e29), UINT64_C(0x3feeb737b0cdc5e5), UINT64_C(0xbc6c23f97c90b959), UINT64_C(0x3feeba44cbc8520f),
    UINT64_C(0xbc92434322f4f9aa), UINT64_C(0x3feebd829fde4e50), UINT64_C(0xbc85ca6cd7668e4b), UINT64_C(0x3feec0f170ca07ba),
    UINT64_C(0x3c71affc2b91ce27), UINT64_C(0x3feec49182a3f090), UINT64_C(0x3c6dd235e10a73bb), UINT64_C(0x3feec86319e32323),
    UINT64_C(0xbc87c50422622263), UINT64_C(0x3feecc667b5de565), UINT64_C(0x3c8b1c86e3e231d5), UINT64_C(0x3feed09bec4a2d33),
    UINT64_C(0xbc91bbd1d3bcbb15), UINT64_C(0x3feed503b23e255d), UINT64_C(0x3c90cc319cee31d2), UINT64_C(0x3feed99e1330b358),
    UINT64_C(0x3c8469846e735ab3), UINT64_C(0x3feede6b5579fdbf), UINT64_C(0xbc82dfcd978e9db4), UINT64_C(0x3feee36bbfd3f37a),
    UINT64_C(0x3c8c1a7792cb3387), UINT64_C(0x3feee89f995ad3ad), UINT64_C(0xbc907b8f4ad1d9fa), UINT64_C(0x3feeee07298db666),
    UINT64_C(0xbc55c3d956dcaeba), UINT64_C(0x3feef3a2b84f15fb), UINT64_C(0xbc90a40e3da6f640), UINT64_C(0x3feef9728de5593a),
    UINT64_C(0xbc68d6f438ad9334), UINT64_C(0x3feeff76f2fb5e47), UINT64_C(0xbc91eee26b588a35), UINT64_C(0x3fef05b030a1064a),
    UINT64_C(0x3c74ffd70a5fddcd), UINT64_C(0x3fef0c1e904bc1d2), UINT64_C(0xbc91bdfbfa9298ac), UINT64_C(0x3fef12c25bd71e09),
    UINT64_C(0x3c736eae30af0cb3), UINT64_C(0x3fef199bdd85529c), UINT64_C(0x3c8ee3325c9ffd94), UINT64_C(0x3fef20ab5fffd07a),
    UINT64_C(0x3c84e08fd10959ac), UINT64_C(0x3fef27f12e57d14b), UINT64_C(0x3c63cdaf384e1a67), UINT64_C(0x3fef2f6d9406e7b5),
    UINT64_C(0x3c676b2c6c921968), UINT64_C(0x3fef3720dcef9069), UINT64_C(0xbc808a1883ccb5d2), UINT64_C(0x3fef3f0b555dc3fa),
    UINT64_C(0xbc8fad5d3ffffa6f), UINT64_C(0x3fef472d4a07897c), UINT64_C(0xbc900dae3875a949), UINT64_C(0x3fef4f87080d89f2),
    UINT64_C(0x3c74a385a63d07a7), UINT64_C(0x3fef5818dcfba487), UINT64_C(0xbc82919e2040220f), UINT64_C(0x3fef60e316c98398),
    UINT64_C(0x3c8e5a50d5c192ac), UINT64_C(0x3fef69e603db3285), UINT64_C(0x3c843a59ac016b4b), UINT64_C(0x3fef7321f301b460),
    UINT64_C(0xbc82d52107b43e1f), UINT64_C(0x3fef7c97337b9b5f), UINT64_C(0xbc892ab93b470dc9), UINT64_C(0x3fef864614f5a129),
    UINT64_C(0x3c74b604603a88d3), UINT64_C(0x3fef902ee78b3ff6), UINT64_C(0x3c83c5ec519d7271), UINT64_C(0x3fef9a51fbc74c83),
    UINT64_C(0xbc8ff7128fd391f0), UINT64_C(0x3fefa4afa2a490da), UINT64_C(0xbc8dae98e223747d), UINT64_C(0x3fefaf482d8e67f1),
    UINT64_C(0x3c8ec3bc41aa2008), UINT64_C(0x3fefba1bee615a27), UINT64_C(0x3c842b94c3a9eb32), UINT64_C(0x3fefc52b376bba97),
    UINT64_C(0x3c8a64a931d185ee), UINT64_C(0x3fefd0765b6e4540), UINT64_C(0xbc8e37bae43be3ed), UINT64_C(0x3fefdbfdad9cbe14),
    UINT64_C(0x3c77893b4d91cd9d), UINT64_C(0x3fefe7c1819e90d8), UINT64_C(0x3c5305c14160cc89), UINT64_C(0x3feff3c22b8f71f1),
};

/* The double with bit pattern u (the constants are kept as bit patterns, as
 * the C library's tables are, so nothing depends on decimal conversion). */
static double dbl(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static double k_(int i) { return dbl(EXP_K[i]); }

double vmath_exp_nofma(double x)
{
    double kd = k_(0) * x + k_(7); /* ISO C mode: each product and sum rounded */
    uint64_t ki, sbits;
    memcpy(&ki, &kd, sizeof ki);
    kd -= k_(7);
    double r = x + kd * k_(1) + kd * k_(2), tail;
    memcpy(&tail, &EXP_TAB[2 * (ki % 128)], sizeof tail);
    sbits = EXP_TAB[2 * (ki % 128) + 1] + (ki << 45);
    double r2 = r * r, scale;
    double tmp = tail + r + r2 * (k_(3) + r * k_(4)) + r2 * r2 * (k_(5) + r * k_(6));
    memcpy(&scale, &sbits, sizeof scale);
    return scale + scale * tmp;
}

#define VM_TARGET __attribute__((target("avx2,fma")))

VM_TARGET void vmath_exp_fma4(const double *x, int n, double *y)
{
    const __m256d inv = _mm256_set1_pd(k_(0)), neghi = _mm256_set1_pd(k_(1)), neglo = _mm256_set1_pd(k_(2));
    const __m256d c2 = _mm256_set1_pd(k_(3)), c3 = _mm256_set1_pd(k_(4)), c4 = _mm256_set1_pd(k_(5));
    const __m256d c5 = _mm256_set1_pd(k_(6)), shift = _mm256_set1_pd(k_(7));
    const __m256i lo = _mm256_set1_epi64x(0x3c8), hi = _mm256_set1_epi64x(0x408), e11 = _mm256_set1_epi64x(0x7ff);
    const __m256i m7 = _mm256_set1_epi64x(0x7f);
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d vx = _mm256_loadu_pd(x + j);
        /* the main range: 0x3c9 <= biased exponent <= 0x407 in every lane */
        __m256i top = _mm256_and_si256(_mm256_srli_epi64(_mm256_castpd_si256(vx), 52), e11);
        __m256i in = _mm256_and_si256(_mm256_cmpgt_epi64(top, lo), _mm256_cmpgt_epi64(hi, top));
        if (_mm256_movemask_pd(_mm256_castsi256_pd(in)) != 0xF) {
            for (int l = 0; l < 4; l++) y[j + l] = exp(x[j + l]);
            continue;
        }
        __m256d kd = _mm256_fmadd_pd(vx, inv, shift);
        __m256i ki = _mm256_castpd_si256(kd);
        kd = _mm256_sub_pd(kd, shift);
        __m256d r = _mm256_fmadd_pd(kd, neghi, vx);
        r = _mm256_fmadd_pd(kd, neglo, r);
        __m256d p23 = _mm256_fmadd_pd(r, c3, c2);
        __m256i idx = _mm256_slli_epi64(_mm256_and_si256(ki, m7), 1);
        __m256d tail = _mm256_i64gather_pd((const double *)(const void *)EXP_TAB, idx, 8);
        __m256i sbits = _mm256_i64gather_epi64((const long long *)(const void *)(EXP_TAB + 1), idx, 8);
        sbits = _mm256_add_epi64(sbits, _mm256_slli_epi64(ki, 45));
        __m256d rt = _mm256_add_pd(r, tail);
        __m256d r2 = _mm256_mul_pd(r, r);
        __m256d p45 = _mm256_fmadd_pd(r, c5, c4);
        __m256d t = _mm256_fmadd_pd(p23, r2, rt);
        t = _mm256_fmadd_pd(_mm256_mul_pd(r2, r2), p45, t);
        __m256d scale = _mm256_castsi256_pd(sbits);
        _mm256_storeu_pd(y + j, _mm256_fmadd_pd(scale, t, scale));
    }
    for (; j < n; j++) y[j] = exp(x[j]);
    _mm256_zeroupper(); /* legacy-SSE code follows (see rng_blocks_avx512) */
}

/* The C library's log() the same way (glibc 2.28 and later, Arm's
 * optimized-routines): x = 2^k z, log(x) = k ln2 + log(c) + log1p(z/c - 1)
 * with c from a table of 128 subintervals and log1p a degree-5 polynomial;
 * lanes in its main range only (not within about 6% of 1, not subnormal,
 * zero, negative, infinite or NaN), the rest to the library. The constants
 * and table are glibc 2.36's __log_data. */
static const uint64_t LOG_K[7] = {
    UINT64_C(0x3fe62e42fefa3800), /* ln 2, high part */
    UINT64_C(0x3d2ef35793c76730), /* ln 2, low part */
    UINT64_C(0xbfe0000000000001), /* A0 */
    UINT64_C(0x3fd555555551305b), /* A1 */
    UINT64_C(0xbfcfffffffeb4590), /* A2 */
    UINT64_C(0x3fc999b324f10111), /* A3 */
    UINT64_C(0xbfc55575e506c89f), /* A4 */
};

/* Pairs (1/c, log c) of the 128 subintervals. */
static const uint64_t LOG_TAB[256] = {
    UINT64_C(0x3ff734f0c3e0de9f), UINT64_C(0xbfd7cc7f79e69000), UINT64_C(0x3ff713786a2ce91f), UINT64_C(0xbfd76feec20d0000),
    UINT64_C(0x3ff6f26008fab5a0), UINT64_C(0xbfd713e31351e000), UINT64_C(0x3ff6d1a61f138c7d), UINT64_C(0xbfd6b85b38287800),
    UINT64_C(0x3ff6b1490bc5b4d1), UINT64_C(0xbfd65d5590807800), UINT64_C(0x3ff69147332f0cba), UINT64_C(0xbfd602d076180000),
    UINT64_C(0x3ff6719f18224223), UINT64_C(0xbfd5a8ca86909000), UINT64_C(0x3ff6524f99a51ed9), UINT64_C(0xbfd54f4356035000),
    UINT64_C(0x3ff63356aa8f24c4), UINT64_C(0xbfd4f637c36b4000), UINT64_C(0x3ff614b36b9ddc14), UINT64_C(0xbfd49da7fda85000),
    UINT64_C(0x3ff5f66452c65c4c), UINT64_C(0xbfd445923989a800), UINT64_C(0x3ff5d867b5912c4f), UINT64_C(0xbfd3edf439b0b800),
    UINT64_C(0x3ff5babccb5b90de), UINT64_C(0xbfd396ce448f7000), UINT64_C(0x3ff59d61f2d91a78), UINT64_C(0xbfd3401e17bda000),
    UINT64_C(0x3ff5805612465687), UINT64_C(0xbfd2e9e2ef468000), UINT64_C(0x3ff56397cee76bd3), UINT64_C(0xbfd2941b3830e000),
    UINT64_C(0x3ff54725e2a77f93), UINT64_C(0xbfd23ec58cda8800), UINT64_C(0x3ff52aff42064583), UINT64_C(0xbfd1e9e129279000),
    UINT64_C(0x3ff50f22dbb2bddf), UINT64_C(0xbfd1956d2b48f800), UINT64_C(0x3ff4f38f4734ded7), UINT64_C(0xbfd141679ab9f800),
    UINT64_C(0x3ff4d843cfde2840), UINT64_C(0xbfd0edd094ef9800), UINT64_C(0x3ff4bd3ec078a3c8), UINT64_C(0xbfd09aa518db1000),
    UINT64_C(0x3ff4a27fc3e0258a), UINT64_C(0xbfd047e65263b800), UINT64_C(0x3ff4880524d48434), UINT64_C(0xbfcfeb224586f000),
    UINT64_C(0x3ff46dce1b192d0b), UINT64_C(0xbfcf474a7517b000), UINT64_C(0x3ff453d9d3391854), UINT64_C(0xbfcea4443d103000),
    UINT64_C(0x3ff43a2744b4845a), UINT64_C(0xbfce020d44e9b000), UINT64_C(0x3ff420b54115f8fb), UINT64_C(0xbfcd60a22977f000),
    UINT64_C(0x3ff40782da3ef4b1), UINT64_C(0xbfccc00104959000), UINT64_C(0x3ff3ee8f5d57fe8f), UINT64_C(0xbfcc202956891000),
    UINT64_C(0x3ff3d5d9a00b4ce9), UINT64_C(0xbfcb81178d811000), UINT64_C(0x3ff3bd60c010c12b), UINT64_C(0xbfcae2c9ccd3d000),
    UINT64_C(0x3ff3a5242b75dab8), UINT64_C(0xbfca45402e129000), UINT64_C(0x3ff38d22cd9fd002), UINT64_C(0xbfc9a877681df000),
    UINT64_C(0x3ff3755bc5847a1c), UINT64_C(0xbfc90c6d69483000), UINT64_C(0x3ff35dce49ad36e2), UINT64_C(0xbfc87120a645c000),
    UINT64_C(0x3ff34679984dd440), UINT64_C(0xbfc7d68fb4143000), UINT64_C(0x3ff32f5cceffcb24), UINT64_C(0xbfc73cb83c627000),
    UINT64_C(0x3ff3187775a10d49), UINT64_C(0xbfc6a39a9b376000), UINT64_C(0x3ff301c8373e3990), UINT64_C(0xbfc60b3154b7a000),
    UINT64_C(0x3ff2eb4ebb95f841), UINT64_C(0xbfc5737d76243000), UINT64_C(0x3ff2d50a0219a9d1), UINT64_C(0xbfc4dc7b8fc23000),
    UINT64_C(0x3ff2bef9a8b7fd2a), UINT64_C(0xbfc4462c51d20000), UINT64_C(0x3ff2a91c7a0c1bab), UINT64_C(0xbfc3b08abc830000),
    UINT64_C(0x3ff293726014b530), UINT64_C(0xbfc31b996b490000), UINT64_C(0x3ff27dfa5757a1f5), UINT64_C(0xbfc2875490a44000),
    UINT64_C(0x3ff268b39b1d3bbf), UINT64_C(0xbfc1f3b9f879a000), UINT64_C(0x3ff2539d838ff5bd), UINT64_C(0xbfc160c8252ca000),
    UINT64_C(0x3ff23eb7aac9083b), UINT64_C(0xbfc0ce7f57f72000), UINT64_C(0x3ff22a012ba940b6), UINT64_C(0xbfc03cdc49fea000),
    UINT64_C(0x3ff2157996cc4132), UINT64_C(0xbfbf57bdbc4b8000), UINT64_C(0x3ff201201dd2fc9b), UINT64_C(0xbfbe370896404000),
    UINT64_C(0x3ff1ecf4494d480b), UINT64_C(0xbfbd17983ef94000), UINT64_C(0x3ff1d8f5528f6569), UINT64_C(0xbfbbf9674ed8a000),
    UINT64_C(0x3ff1c52311577e7c), UINT64_C(0xbfbadc79202f6000), UINT64_C(0x3ff1b17c74cb26e9), UINT64_C(0xbfb9c0c3e7288000),
    UINT64_C(0x3ff19e010c2c1ab6), UINT64_C(0xbfb8a646b372c000), UINT64_C(0x3ff18ab07bb670bd), UINT64_C(0xbfb78d01b3ac0000),
    UINT64_C(0x3ff1778a25efbcb6), UINT64_C(0xbfb674f145380000), UINT64_C(0x3ff1648d354c31da), UINT64_C(0xbfb55e0e6d878000),
    UINT64_C(0x3ff151b990275fdd), UINT64_C(0xbfb4485cdea1e000), UINT64_C(0x3ff13f0ea432d24c), UINT64_C(0xbfb333d94d6aa000),
    UINT64_C(0x3ff12c8b7210f9da), UINT64_C(0xbfb22079f8c56000), UINT64_C(0x3ff11a3028ecb531), UINT64_C(0xbfb10e4698622000),
    UINT64_C(0x3ff107fbda8434af), UINT64_C(0xbfaffa6c6ad20000), UINT64_C(0x3ff0f5ee0f4e6bb3), UINT64_C(0xbfadda8d4a774000),
    UINT64_C(0x3ff0e4065d2a9fce), UINT64_C(0xbfabbcece4850000), UINT64_C(0x3ff0d244632ca521), UINT64_C(0xbfa9a1894012c000),
    UINT64_C(0x3ff0c0a77ce2981a), UINT64_C(0xbfa788583302c000), UINT64_C(0x3ff0af2f83c636d1), UINT64_C(0xbfa5715e67d68000),
    UINT64_C(0x3ff09ddb98a01339), UINT64_C(0xbfa35c8a49658000), UINT64_C(0x3ff08cabaf52e7df), UINT64_C(0xbfa149e364154000),
    UINT64_C(0x3ff07b9f2f4e28fb), UINT64_C(0xbf9e72c082eb8000), UINT64_C(0x3ff06ab58c358f19), UINT64_C(0xbf9a55f152528000),
    UINT64_C(0x3ff059eea5ecf92c), UINT64_C(0xbf963d62cf818000), UINT64_C(0x3ff04949cdd12c90), UINT64_C(0xbf9228fb8caa0000),
    UINT64_C(0x3ff038c6c6f0ada9), UINT64_C(0xbf8c317b20f90000), UINT64_C(0x3ff02865137932a9), UINT64_C(0xbf8419355daa0000),
    UINT64_C(0x3ff0182427ea7348), UINT64_C(0xbf781203c2ec0000), UINT64_C(0x3ff008040614b195), UINT64_C(0xbf60040979240000),
    UINT64_C(0x3fefe01ff726fa1a), UINT64_C(0x3f6feff384900000), UINT64_C(0x3fefa11cc261ea74), UINT64_C(0x3f87dc41353d0000),
    UINT64_C(0x3fef6310b081992e), UINT64_C(0x3f93cea3c4c28000), UINT64_C(0x3fef25f63ceeadcd), UINT64_C(0x3f9b9fc114890000),
    UINT64_C(0x3feee9c8039113e7), UINT64_C(0x3fa1b0d8ce110000), UINT64_C(0x3feeae8078cbb1ab), UINT64_C(0x3fa58a5bd001c000),
    UINT64_C(0x3fee741aa29d0c9b), UINT64_C(0x3fa95c8340d88000), UINT64_C(0x3fee3a91830a99b5), UINT64_C(0x3fad276aef578000),
    UINT64_C(0x3fee01e009609a56), UINT64_C(0x3fb07598e598c000), UINT64_C(0x3fedca01e577bb98), UINT64_C(0x3fb253f5e30d2000),
    UINT64_C(0x3fed92f20b7c9103), UINT64_C(0x3fb42edd8b380000), UINT64_C(0x3fed5cac66fb5cce), UINT64_C(0x3fb606598757c000),
    UINT64_C(0x3fed272caa5ede9d), UINT64_C(0x3fb7da76356a0000), UINT64_C(0x3fecf26e3e6b2ccd), UINT64_C(0x3fb9ab434e1c6000),
    UINT64_C(0x3fecbe6da2a77902), UINT64_C(0x3fbb78c7bb0d6000), UINT64_C(0x3fec8b266d37086d), UINT64_C(0x3fbd431332e72000),
    UINT64_C(0x3fec5894bd5d5804), UINT64_C(0x3fbf0a3171de6000), UINT64_C(0x3fec26b533bb9f8c), UINT64_C(0x3fc067152b914000),
    UINT64_C(0x3febf583eeece73f), UINT64_C(0x3fc147858292b000), UINT64_C(0x3febc4fd75db96c1), UINT64_C(0x3fc2266ecdca3000),
    UINT64_C(0x3feb951e0c864a28), UINT64_C(0x3fc303d7a6c55000), UINT64_C(0x3feb65e2c5ef3e2c), UINT64_C(0x3fc3dfc33c331000),
    UINT64_C(0x3feb374867c9888b), UINT64_C(0x3fc4ba366b7a8000), UINT64_C(0x3feb094b211d304a), UINT64_C(0x3fc5933928d1f000),
    UINT64_C(0x3feadbe885f2ef7e), UINT64_C(0x3fc66acd2418f000), UINT64_C(0x3feaaf1d31603da2), UINT64_C(0x3fc740f8ec669000),
    UINT64_C(0x3fea82e63fd358a7), UINT64_C(0x3fc815c0f51af000), UINT64_C(0x3fea5740ef09738b), UINT64_C(0x3fc8e92954f68000),
    UINT64_C(0x3fea2c2a90ab4b27), UINT64_C(0x3fc9bb3602f84000), UINT64_C(0x3fea01a01393f2d1), UINT64_C(0x3fca8bed1c2c0000),
    UINT64_C(0x3fe9d79f24db3c1b), UINT64_C(0x3fcb5b515c01d000), UINT64_C(0x3fe9ae2505c7b190), UINT64_C(0x3fcc2967ccbcc000),
    UINT64_C(0x3fe9852ef297ce2f), UINT64_C(0x3fccf635d5486000), UINT64_C(0x3fe95cbaeea44b75), UINT64_C(0x3fcdc1bd3446c000),
    UINT64_C(0x3fe934c69de74838), UINT64_C(0x3fce8c01b8cfe000), UINT64_C(0x3fe90d4f2f6752e6), UINT64_C(0x3fcf5509c0179000),
    UINT64_C(0x3fe8e6528effd79d), UINT64_C(0x3fd00e6c121fb800), UINT64_C(0x3fe8bfce9fcc007c), UINT64_C(0x3fd071b80e93d000),
    UINT64_C(0x3fe899c0dabec30e), UINT64_C(0x3fd0d46b9e867000), UINT64_C(0x3fe87427aa2317fb), UINT64_C(0x3fd13687334bd000),
    UINT64_C(0x3fe84f00acb39a08), UINT64_C(0x3fd1980d67234800), UINT64_C(0x3fe82a49e8653e55), UINT64_C(0x3fd1f8ffe0cc8000),
    UINT64_C(0x3fe8060195f40260), UINT64_C(0x3fd2595fd7636800), UINT64_C(0x3fe7e22563e0a329), UINT64_C(0x3fd2b9300914a800),
    UINT64_C(0x3fe7beb377dcb5ad), UINT64_C(0x3fd3187210436000), UINT64_C(0x3fe79baa679725c2), UINT64_C(0x3fd377266dec1800),
    UINT64_C(0x3fe77907f2170657), UINT64_C(0x3fd3d54ffbaf3000), UINT64_C(0x3fe756cadbd6130c), UINT64_C(0x3fd432eee32fe000),
};

static double lk_(int i) { return dbl(LOG_K[i]); }

/* Whether the library's log takes its main path for bits ix. */
static inline int log_main(uint64_t ix)
{
    return !(ix - UINT64_C(0x3fee000000000000) <= UINT64_C(0x308ffffffffff)) && !((ix >> 48) - 0x10 > 0x7fdf);
}

VM_TARGET void vmath_log_fma4(const double *x, int n, double *y)
{
    const __m256d ln2hi = _mm256_set1_pd(lk_(0)), ln2lo = _mm256_set1_pd(lk_(1)), a0 = _mm256_set1_pd(lk_(2));
    const __m256d a1 = _mm256_set1_pd(lk_(3)), a2 = _mm256_set1_pd(lk_(4)), a3 = _mm256_set1_pd(lk_(5));
    const __m256d a4 = _mm256_set1_pd(lk_(6)), minus1 = _mm256_set1_pd(-1.0), two52 = _mm256_set1_pd(0x1p52);
    const __m256i off = _mm256_set1_epi64x(0x3fe6000000000000), m7 = _mm256_set1_epi64x(0x7f);
    const __m256i himask = _mm256_set1_epi64x((long long)UINT64_C(0xfff0000000000000));
    const __m256i magic = _mm256_set1_epi64x(0x4330000000000000), half = _mm256_set1_epi64x(2047);
    const __m256d wrap = _mm256_set1_pd(4096.0);
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        uint64_t b[4];
        memcpy(b, x + j, sizeof b);
        if (!(log_main(b[0]) & log_main(b[1]) & log_main(b[2]) & log_main(b[3]))) {
            for (int l = 0; l < 4; l++) y[j + l] = log(x[j + l]);
            continue;
        }
        __m256i ix = _mm256_loadu_si256((const void *)(x + j));
        __m256i tmp = _mm256_sub_epi64(ix, off);
        __m256i idx = _mm256_slli_epi64(_mm256_and_si256(_mm256_srli_epi64(tmp, 45), m7), 1);
        /* k = tmp >> 52 as a signed 12-bit number, to double exactly */
        __m256i u12 = _mm256_srli_epi64(tmp, 52);
        __m256d kd = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(u12, magic)), two52);
        kd = _mm256_sub_pd(kd, _mm256_and_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(u12, half)), wrap));
        __m256d z = _mm256_castsi256_pd(_mm256_sub_epi64(ix, _mm256_and_si256(tmp, himask)));
        __m256d invc = _mm256_i64gather_pd((const double *)(const void *)LOG_TAB, idx, 8);
        __m256d logc = _mm256_i64gather_pd((const double *)(const void *)(LOG_TAB + 1), idx, 8);
        __m256d w = _mm256_fmadd_pd(kd, ln2hi, logc);
        __m256d r = _mm256_fmadd_pd(z, invc, minus1);
        __m256d p34 = _mm256_fmadd_pd(r, a2, a1);
        __m256d hi = _mm256_add_pd(r, w);
        __m256d r2 = _mm256_mul_pd(r, r);
        __m256d lo = _mm256_add_pd(_mm256_sub_pd(w, hi), r);
        lo = _mm256_fmadd_pd(kd, ln2lo, lo);
        __m256d r3 = _mm256_mul_pd(r, r2);
        __m256d p56 = _mm256_fmadd_pd(r, a4, a3);
        lo = _mm256_fmadd_pd(r2, a0, lo);
        __m256d p = _mm256_fmadd_pd(p56, r2, p34);
        _mm256_storeu_pd(y + j, _mm256_add_pd(_mm256_fmadd_pd(r3, p, lo), hi));
    }
    for (; j < n; j++) y[j] = log(x[j]);
    _mm256_zeroupper();
}

/* Whether path(x) equals ref() at each of the n inputs, bit for bit (y is
 * scratch for n values). */
static int path_equals(void (*path)(const double *, int, double *), double (*ref)(double), const double *x, double *y,
                       int n)
{
    path(x, n, y);
    for (int i = 0; i < n; i++) {
        double e = ref(x[i]);
        if (memcmp(&e, &y[i], sizeof e)) return 0;
    }
    return 1;
}

/* Whether the path equals the library here. Besides a grid over the range
 * and its edges, inputs at which the library's variant for processors
 * without FMA (the same algorithm with the products and sums rounded
 * apart) gives another last bit than the FMA variant: a C library running
 * that variant, or another algorithm, fails the check and vmath_exp() then
 * calls it instead. */
int vmath_exp_agrees_with(double (*ref)(double))
{
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
    static const double split[16] = {
        0x1.86fe3d008dfc8p+7, 0x1.f2832886e5066p+6, -0x1.e5f4253ecbe85p+4, 0x1.82329435b4652p+7,
        0x1.7e078491bc0fp+5,  0x1.9343844ae687p+5,  0x1.11ad89dc635b2p+6, 0x1.21945dd67328cp+7,
        0x1.40bf2622217e6p+6, 0x1.c6f3034acde6p+6,  -0x1.38bbdee4f177cp+4, 0x1.64253656184a7p+7,
        0x1.4634a02aac694p+6, 0x1.3e8561a01d0acp+6, -0x1.a2823766c5047p+5, -0x1.517d64fd22facp+4};
    enum { N = 80 };
    double x[N], y[N];
    for (int i = 0; i < 64; i++) {
        double s = (i % 2 ? -1.0 : 1.0) * (double)(i + 1) / 64;
        x[i] = s * (i < 32 ? 700.0 / 64.0 * (i + 1) : 1.0 / (double)(1 << (i % 30)));
    }
    x[0] = 0x1.0p-53, x[1] = 511.9, x[2] = -511.9, x[3] = 0.5 / k_(0); /* half a table step */
    memcpy(x + 64, split, sizeof split);
    return path_equals(vmath_exp_fma4, ref, x, y, N);
}

static int log_agrees(void)
{
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
    enum { N = 96 };
    double x[N], y[N];
    for (int i = 0; i < N; i++) x[i] = i < 48 ? 0x1p-53 * exp(0.75 * i) : (0.017 + 0.91 * (i - 48)) * (i % 3 + 0.31);
    return path_equals(vmath_log_fma4, log, x, y, N);
}

int vmath_log_level(void)
{
    static int level = -1; /* decided once, as for exp */
    if (level < 0) level = log_agrees();
    return level;
}

int vmath_exp_level(void)
{
    static int level = -1; /* decided once: the processor and the library do not change */
    if (level < 0) level = vmath_exp_agrees_with(exp);
    return level;
}

#else

void vmath_exp_fma4(const double *x, int n, double *y)
{
    for (int j = 0; j < n; j++) y[j] = exp(x[j]);
}

int vmath_exp_level(void) { return 0; }

int vmath_log_level(void) { return 0; }

void vmath_log_fma4(const double *x, int n, double *y)
{
    for (int j = 0; j < n; j++) y[j] = log(x[j]);
}

int vmath_exp_agrees_with(double (*ref)(double))
{
    (void)ref;
    return 0;
}

double vmath_exp_nofma(double x) { return exp(x); }

#endif

void vmath_exp(const double *x, int n, double *y)
{
    if (vmath_exp_level()) {
        vmath_exp_fma4(x, n, y);
        return;
    }
    for (int j = 0; j < n; j++) y[j] = exp(x[j]);
}

void vmath_log(const double *x, int n, double *y)
{
    if (vmath_log_level()) {
        vmath_log_fma4(x, n, y);
        return;
    }
    for (int j = 0; j < n; j++) y[j] = log(x[j]);
}
