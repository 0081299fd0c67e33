// The exact solver's second hop (block-major, as ExactPlan runs it) with and without a prefetch of the row D edges
// ahead (docs/benchmarks.md, "Prefetching the exact solver's gathers"). USERS users of 30 purchases each, skewed like
// the gather benchmark's, BLOCKS blocks of 8 doubles per item, three rounds, one thread.
//   cc -O3 -march=native -o /tmp/prefetch Ops/bench-prefetch.c && /tmp/prefetch 100000 1000000 3 16 && /tmp/prefetch 1000000 10000000 3 16
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef double v8 __attribute__((vector_size(64)));
int main(int argc,char**argv){
  long items=atol(argv[1]); long users=atol(argv[2]); int deg=30; int B=atoi(argv[3]); int D=atoi(argv[4]);
  long edges=users*deg;
  size_t bytes=(size_t)items*64*B;
  v8*y; posix_memalign((void**)&y,2<<20,(bytes+(2<<20)-1)&~((2<<20)-1));
  madvise(y,bytes,MADV_HUGEPAGE);
  for(long i=0;i<items*B;i++){ v8 r; for(int j=0;j<8;j++) r[j]=(i*8+j)*1e-9; y[i]=r; }
  uint32_t*idx=malloc((edges+64)*4); uint64_t s=88172645463325252ull;
  for(long e=0;e<edges+64;e++){s^=s<<13;s^=s>>7;s^=s<<17; double u=(s>>11)*(1.0/9007199254740992.0); idx[e]=(uint32_t)(u*u*items);}
  v8*out; posix_memalign((void**)&out,64,(size_t)users*B*64);
  for(int r=0;r<3;r++){
    double t=now();
    for(int b=0;b<B;b++){ v8*yb=y+(long)b*items;
      for(long u=0;u<users;u++){ v8 acc={0}; for(long e=u*deg;e<(u+1)*deg;e++) acc+=yb[idx[e]]; out[u*B+b]=acc; } }
    double t1=now()-t;
    t=now();
    for(int b=0;b<B;b++){ v8*yb=y+(long)b*items;
      for(long u=0;u<users;u++){ v8 acc={0}; for(long e=u*deg;e<(u+1)*deg;e++){ __builtin_prefetch(&yb[idx[e+D]]); acc+=yb[idx[e]];} out[u*B+b]=acc; } }
    double t2=now()-t;
    printf("items %ld users %ld: plain %.2f ns/edge/block, prefetch D=%d %.2f\n",items,users,t1/edges/B*1e9,D,t2/edges/B*1e9);
  }
}
