// The exact solver's second hop (ℓ̂ = 1: each user's row = mean of its items' 64-byte rows of Y) plain, against the
// same sums taken item slice by item slice (R equal ranges of item ids, a cursor and a partial sum per user, so that
// each pass gathers from 1/R of Y). Checks the two give the same bits. docs/benchmarks.md, "Slicing the second hop".
//   cc -O3 -march=native -fopenmp -o /tmp/sliced Ops/bench-sliced-hop.c
//   OMP_NUM_THREADS=1 /tmp/sliced 10000000 1000000 1 2 4 8 16      # users items R…
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>
typedef double v8 __attribute__((vector_size(64)));
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void*big(size_t b){void*p=NULL; b=(b+(2<<20)-1)&~((size_t)(2<<20)-1); if(posix_memalign(&p,2<<20,b)){perror("memory");exit(1);} madvise(p,b,MADV_HUGEPAGE); return p;}
static uint64_t s=88172645463325252ull; static inline uint64_t rnd(){s^=s<<13;s^=s>>7;s^=s<<17;return s;}
static int cmpu(const void*a,const void*b){uint32_t x=*(uint32_t*)a,y=*(uint32_t*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  long users=atol(argv[1]), items=atol(argv[2]);
  long*off=malloc((users+1)*8); off[0]=0;
  for(long u=0;u<users;u++){ double x=(rnd()>>11)*(1.0/9007199254740992.0); long d=1+(long)(59*x); off[u+1]=off[u]+d; }
  long edges=off[users]; uint32_t*tg=big(edges*4);
  for(long u=0;u<users;u++){ long d=off[u+1]-off[u];
    for(long e=off[u];e<off[u+1];e++){ double x=(rnd()>>11)*(1.0/9007199254740992.0); tg[e]=(uint32_t)(x*x*items);} 
    qsort(tg+off[u],d,4,cmpu); }
  v8*y=big(items*64); for(long i=0;i<items;i++) for(int j=0;j<8;j++) y[i][j]=(double)((i*7+j)%1000)*1e-3+1e-9*i;
  double*inv=malloc(users*8); for(long u=0;u<users;u++) inv[u]=1.0/(off[u+1]-off[u]);
  v8*out1=big(users*64), *out2=big(users*64), *acc=big(users*64); uint32_t*cur=big(users*4);
  memset(out1,0,users*64);memset(out2,0,users*64);memset(acc,0,users*64);memset(cur,0,users*4);
  printf("users %ld items %ld edges %ld\n",users,items,edges);
  for(int rep=0;rep<2;rep++) for(int ai=3;ai<argc;ai++){ int R=atoi(argv[ai]);
    double t=now();
    #pragma omp parallel for schedule(dynamic,4096)
    for(long u=0;u<users;u++){ v8 sum={0}; for(long e=off[u];e<off[u+1];e++) sum+=y[tg[e]]; out1[u]=sum*inv[u]; }
    double t1=now()-t; t=now();
    for(long u=0;u<users;u++){ cur[u]=0; }
    for(int r=0;r<R;r++){ uint32_t hi=(uint32_t)((items*(long)(r+1))/R);
      if(r==R-1){
    #pragma omp parallel for schedule(dynamic,4096)
 for(long u=0;u<users;u++){ v8 sum= r? acc[u]:(v8){0}; for(long e=off[u]+cur[u];e<off[u+1];e++) sum+=y[tg[e]]; out2[u]=sum*inv[u]; } }
      else {
    #pragma omp parallel for schedule(dynamic,4096)
 for(long u=0;u<users;u++){ v8 sum= r? acc[u]:(v8){0}; long e=off[u]+cur[u], end=off[u+1]; for(;e<end && tg[e]<hi;e++) sum+=y[tg[e]]; acc[u]=sum; cur[u]=(uint32_t)(e-off[u]); } }
    }
    double t2=now()-t;
    printf("R %2d plain %.3f s (%.2f ns/edge)  blocked %.3f s (%.2f ns/edge)  equal %d\n",R,t1,t1/edges*1e9,t2,t2/edges*1e9,memcmp(out1,out2,users*64)==0);
  }
}
