/** \file vmath.h
 * exp() and log() over arrays, equal bit for bit to the C library's for
 * every input, four lanes at a time where the processor and the library
 * allow.
 *
 * Pure: no MPI, no I/O. The one piece of state is which path this process
 * runs, decided at the first call by comparing the vector path with the
 * library on a set of inputs (vmath_exp_level()).
 */
#ifndef PARKSIM_VMATH_H
#define PARKSIM_VMATH_H

/** y[j] = exp(x[j]) for j < n, bit for bit the C library's. x and y may be
 *  the same array; neither need be aligned. */
void vmath_exp(const double *x, int n, double *y);

/** 1 if vmath_exp() runs the four-lane path (AVX2 and FMA, and the C
 *  library's exp() is the one the path reproduces), 0 if it calls exp(). */
int vmath_exp_level(void);

/** The check vmath_exp_level() makes with ref = exp: 1 if the processor has
 *  AVX2 and FMA and the four-lane path equals ref() on a set of inputs that
 *  includes some where the library's variant without FMA differs. */
int vmath_exp_agrees_with(double (*ref)(double));

/** For tests: the library's algorithm as its build for processors without
 *  FMA computes it (main range only), which vmath_exp_agrees_with() must
 *  tell apart from the FMA variant. */
double vmath_exp_nofma(double x);

/** y[j] = log(x[j]) for j < n, bit for bit the C library's, the same way. */
void vmath_log(const double *x, int n, double *y);

/** 1 if vmath_log() runs its four-lane path, 0 if it calls log(). */
int vmath_log_level(void);

/** For tests: the four-lane log path itself, as vmath_exp_fma4. */
void vmath_log_fma4(const double *x, int n, double *y);

/** For tests: the four-lane path itself, whatever vmath_exp_level() says
 *  (an illegal instruction on a machine without AVX2 and FMA). */
void vmath_exp_fma4(const double *x, int n, double *y);

#endif
