// The gather behind docs/benchmarks.md, "1M → 10M again": the exact solver's second hop reduced to its memory
// access, 64-byte rows read at random from a table of ITEMS rows, with and without transparent huge pages.
//   cc -O3 -march=native -o /tmp/gather Ops/bench-gather.c && /tmp/gather 100000 30000000 0 && /tmp/gather 1000000 30000000 0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  long items=atol(argv[1]); long edges=atol(argv[2]); int huge=atoi(argv[3]);
  size_t bytes=items*64;
  double*y; posix_memalign((void**)&y,2<<20,(bytes+(2<<20)-1)&~((2<<20)-1));
  if(huge) madvise(y,bytes,MADV_HUGEPAGE);
  for(long i=0;i<items*8;i++) y[i]=i*1e-9;
  uint32_t*idx=malloc(edges*4); uint64_t s=88172645463325252ull;
  // zipf-ish: square of uniform to skew
  for(long e=0;e<edges;e++){s^=s<<13;s^=s>>7;s^=s<<17; double u=(s>>11)*(1.0/9007199254740992.0); idx[e]=(uint32_t)(u*u*items);}
  double best=1e9;
  for(int r=0;r<3;r++){ double t=now(); double acc[8]={0};
    for(long e=0;e<edges;e++){ double*row=y+(long)idx[e]*8; for(int j=0;j<8;j++) acc[j]+=row[j]; }
    t=now()-t; if(t<best)best=t; if(acc[0]==42)puts("x"); }
  printf("items %ld edges %ld huge %d: %.3f s, %.2f ns/edge\n",items,edges,huge,best,best/edges*1e9);
}
