// The exact solver's second hop with its persona blocks laid out two ways (docs/benchmarks.md, "Label jobs load only
// the user ids", the note on the L3): block-major (one pass over the users per 8-persona block, as ExactPlan does)
// and item-major (one pass, an item's blocks side by side); then block-major again with a prefetch of the row D
// edges ahead, as ExactPlan does since the 19th session (docs/benchmarks.md, "Prefetching the exact solver's
// gathers"). ITEMS items, USERS users of 30 purchases each, skewed like the gather benchmark's, BLOCKS blocks of 8
// doubles per item, D (default 16), three rounds, one thread.
//   cc -O3 -march=native -o /tmp/item-major Ops/bench-item-major.c && /tmp/item-major 100000 1000000 3 16 && /tmp/item-major 1000000 10000000 3 16
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef double v8 __attribute__((vector_size(64)));
int main(int argc,char**argv){
  long items=atol(argv[1]); long users=atol(argv[2]); int deg=30; int B=atoi(argv[3]); int D=argc>4?atoi(argv[4]):16;
  long edges=users*deg;
  size_t bytes=(size_t)items*64*B;
  v8*y; posix_memalign((void**)&y,2<<20,(bytes+(2<<20)-1)&~((2<<20)-1));
  madvise(y,bytes,MADV_HUGEPAGE);
  for(long i=0;i<items*B;i++){ v8 r; for(int j=0;j<8;j++) r[j]=(i*8+j)*1e-9; y[i]=r; }
  uint32_t*idx=malloc((edges+D)*4); uint64_t s=88172645463325252ull;
  for(long e=0;e<edges+D;e++){s^=s<<13;s^=s>>7;s^=s<<17; double u=(s>>11)*(1.0/9007199254740992.0); idx[e]=(uint32_t)(u*u*items);}
  v8*out; posix_memalign((void**)&out,64,(size_t)users*B*64);
  for(int r=0;r<3;r++){
    // block-major: y[b*items+v]
    double t=now();
    for(int b=0;b<B;b++){ v8*yb=y+(long)b*items;
      for(long u=0;u<users;u++){ v8 acc={0}; for(long e=u*deg;e<(u+1)*deg;e++) acc+=yb[idx[e]]; out[u*B+b]=acc; } }
    double t1=now()-t;
    // item-major: y[v*B+b]
    t=now();
    for(long u=0;u<users;u++){ v8 acc[8]={0};
      for(long e=u*deg;e<(u+1)*deg;e++){ v8*row=y+(long)idx[e]*B; for(int b=0;b<B;b++) acc[b]+=row[b]; }
      for(int b=0;b<B;b++) out[u*B+b]=acc[b]; }
    double t2=now()-t;
    // block-major, the row D edges ahead prefetched (idx holds D spare entries past the last edge)
    t=now();
    for(int b=0;b<B;b++){ v8*yb=y+(long)b*items;
      for(long u=0;u<users;u++){ v8 acc={0}; for(long e=u*deg;e<(u+1)*deg;e++){ __builtin_prefetch(&yb[idx[e+D]]); acc+=yb[idx[e]]; } out[u*B+b]=acc; } }
    double t3=now()-t;
    printf("items %ld users %ld blocks %d: block-major %.3f s (%.2f ns/edge/block), item-major %.3f s (%.2f), block-major prefetch %d ahead %.3f s (%.2f)\n",items,users,B,t1,t1/edges/B*1e9,t2,t2/edges/B*1e9,D,t3,t3/edges/B*1e9);
  }
}
