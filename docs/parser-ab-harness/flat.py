# flat.py FILE.collapsed [FILTER] : self (top-frame) and inclusive sample counts of an async-profiler collapsed profile
import sys,collections
top=collections.Counter(); incl=collections.Counter(); tot=0
filt=sys.argv[2] if len(sys.argv)>2 else None
for line in open(sys.argv[1]):
    st,_,n=line.rstrip().rpartition(' '); n=int(n)
    fr=st.split(';')
    if filt and not any(filt in f for f in fr): continue
    tot+=n; top[fr[-1]]+=n
    for f in set(fr): incl[f]+=n
print("total",tot)
for k,v in top.most_common(45): print(f"{v:6d} {100*v/tot:5.1f}% {k}")
print('--- incl')
for k,v in incl.most_common(45): print(f"{v:6d} {100*v/tot:5.1f}% {k}")
