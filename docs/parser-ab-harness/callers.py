# callers.py FILE.collapsed FRAME [DEPTH] : who calls FRAME (DEPTH frames up), by samples
import sys,collections
c=collections.Counter(); tot=0
target=sys.argv[2]; depth=int(sys.argv[3]) if len(sys.argv)>3 else 1
for line in open(sys.argv[1]):
    st,_,n=line.rstrip().rpartition(' '); n=int(n)
    fr=st.split(';')
    for i,f in enumerate(fr):
        if target in f:
            c[' <- '.join(reversed(fr[max(0,i-depth):i]))]+=n; tot+=n; break
print(tot)
for k,v in c.most_common(20): print(v,k)
