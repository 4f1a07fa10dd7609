/**
 * Secrets (docs/secrets.md): how long the scrypt key derivation takes at N = 2^14, 2^15, 2^16 (r = 8, p = 1), and
 * how many values per second AES-256-GCM encrypts and decrypts as the export and import do. `node test/bench/secrets-crypto.js`.
 */
const {scryptSync,randomBytes,createCipheriv,createDecipheriv}=require('crypto');
const s=randomBytes(16);
for (const N of [2**14,2**15,2**16]){const t=[];for(let i=0;i<7;i++){const a=process.hrtime.bigint();scryptSync('pw',s,32,{N,r:8,p:1,maxmem:256*N*8+1048576});t.push(Number(process.hrtime.bigint()-a)/1e6)}t.sort((a,b)=>a-b);console.log('scrypt N=2^'+Math.log2(N),'min',t[0].toFixed(0),'median',t[3].toFixed(0),'max',t[6].toFixed(0),'ms; memory',(128*N*8/1048576)+' MiB')}
const k=randomBytes(32);const vals=[];let a=process.hrtime.bigint();for(let i=0;i<100000;i++){const iv=randomBytes(12);const c=createCipheriv('aes-256-gcm',k,iv);const ct=Buffer.concat([c.update(JSON.stringify('Private note '+i)),c.final()]);vals.push('dmc:enc:v1:'+iv.toString('base64')+':'+ct.toString('base64')+':'+c.getAuthTag().toString('base64'))}
let ms=Number(process.hrtime.bigint()-a)/1e6;console.log('encrypt 100k values',ms.toFixed(0),'ms =',(100000/ms*1000).toFixed(0),'values/s');
a=process.hrtime.bigint();for(const v of vals){const [iv,ct,tag]=v.slice(11).split(':').map(p=>Buffer.from(p,'base64'));const d=createDecipheriv('aes-256-gcm',k,iv);d.setAuthTag(tag);JSON.parse(Buffer.concat([d.update(ct),d.final()]).toString())}
ms=Number(process.hrtime.bigint()-a)/1e6;console.log('decrypt 100k values',ms.toFixed(0),'ms =',(100000/ms*1000).toFixed(0),'values/s');
console.log('size: plaintext "Private note 12345" ->', vals[12345].length, 'chars');
