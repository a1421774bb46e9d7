#!/usr/bin/python3
"""Writes the committed fixtures of libs/ml (libs/ml/src/fixtures/) with PyTorch.

    /usr/bin/python3 tools/ml/make-fixtures.py        (Debian's python3-torch; numpy; no other package)

What it writes, into libs/ml/src/fixtures/tiny-llama/:
  - config.json, model.safetensors, tokenizer.json: a tiny random Llama in the Hugging Face layout
    (tied embeddings, grouped-query attention), loadable like a downloaded model;
  - expected.json: token ids of known strings, the DPO batch, PyTorch's losses and metrics for every
    loss type, and the gradients of the losses with respect to the policy log-probs;
  - expected.safetensors: PyTorch's logits for a batch, and the gradients of the DPO (sigmoid) and SFT
    losses with respect to every weight.

Everything is seeded: rerunning the script rewrites the same bytes (on the same torch version).

The Llama forward below is plain torch (no `transformers`), written to be checked line by line against
Hugging Face's `modeling_llama.py`:
  - LlamaRMSNorm: x * rsqrt(mean(x^2, -1) + rms_norm_eps) * weight;
  - rotary embeddings: inv_freq = 1 / rope_theta^(arange(0, head_dim, 2) / head_dim), emb = cat(freqs, freqs),
    q' = q * cos + rotate_half(q) * sin with rotate_half(x) = cat(-x[..., d/2:], x[..., :d/2]) (the
    half-split convention, not interleaved pairs);
  - attention: repeat_kv repeats each key/value head num_attention_heads / num_key_value_heads times,
    softmax(q k^T / sqrt(head_dim) + causal mask) v, then o_proj;
  - LlamaMLP: down_proj(silu(gate_proj(x)) * up_proj(x));
  - decoder layer: x + attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x));
  - final norm, then lm_head (= embed_tokens when tie_word_embeddings).
The reference computations run in float64 from the float32 weights; fixtures are stored as float32.

The DPO objectives follow TRL's DPOTrainer: log-probs are sums over completion tokens (prompt tokens
masked), ipo averages them per token, logits = (pi_c - pi_r) - (ref_c - ref_r), and
  sigmoid: -logsigmoid(b l)(1 - ls) - logsigmoid(-b l) ls
  robust:  (-logsigmoid(b l)(1 - ls) + logsigmoid(-b l) ls) / (1 - 2 ls)
  hinge:   relu(1 - b l)
  ipo:     (l - 1 / (2 b))^2
plus rpo_alpha * (token-mean NLL of the chosen completions) when rpo_alpha is set.
"""
import json
import os
import re
import struct
from collections import Counter

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'libs', 'ml', 'src', 'fixtures', 'tiny-llama')

# ---------------------------------------------------------------- safetensors (the format, by hand)


def write_safetensors(path, tensors):
    """8-byte little-endian header length, JSON header {name: {dtype, shape, data_offsets}}, raw LE data."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name].detach().cpu().numpy().astype('<f4')).tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


# ---------------------------------------------------------------- byte-level BPE (GPT-2 style)


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character table."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_CHARS = bytes_to_unicode()
# GPT-2's pre-tokenizer pattern; \p{L} / \p{N} written as Python's Unicode classes (same on ASCII text).
PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def pre_tokenize(text):
    return [''.join(BYTE_CHARS[b] for b in piece.encode('utf-8')) for piece in PATTERN.findall(text)]


def train_bpe(text, merges_count):
    """Most frequent adjacent pair first; ties: the smallest (left, right) pair. The TypeScript trainer does the same."""
    words = Counter(pre_tokenize(text))
    seqs = {w: list(w) for w in words}
    merges = []
    for _ in range(merges_count):
        pairs = Counter()
        for w, count in words.items():
            s = seqs[w]
            for i in range(len(s) - 1):
                pairs[(s[i], s[i + 1])] += count
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        for w in words:
            s = seqs[w]
            out = []
            i = 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
    return merges


def bpe_encode(text, vocab, ranks):
    ids = []
    for piece in pre_tokenize(text):
        s = list(piece)
        while len(s) > 1:
            candidates = [(ranks.get((s[i], s[i + 1]), 1 << 30), i) for i in range(len(s) - 1)]
            rank, i = min(candidates)
            if rank == 1 << 30:
                break
            s = s[:i] + [s[i] + s[i + 1]] + s[i + 2:]
        ids.extend(vocab[t] for t in s)
    return ids


CORPUS = (
    'The agents talk in turns. The user asks, the assistant answers, and the critic says what was good. '
    'A preference says which of two answers was better. The model learns from the preferences: '
    'it should answer like the chosen replies and not like the rejected ones. '
    "Good answers are short, polite and correct; bad answers ramble. It's 2026 and 42 turns were logged."
)
ENCODED = ['The agents_talk.', "It's the critic's turn: 42 answers!", 'preferences  and   spaces\n\nnew lines', 'héllo wörld ✓']
MERGES = 24
EOS = '<|endoftext|>'

# ---------------------------------------------------------------- the tiny Llama

CONFIG = {
    'architectures': ['LlamaForCausalLM'],
    'model_type': 'llama',
    'vocab_size': 0,  # set from the tokenizer below
    'hidden_size': 32,
    'intermediate_size': 64,
    'num_hidden_layers': 2,
    'num_attention_heads': 4,
    'num_key_value_heads': 2,
    'max_position_embeddings': 64,
    'rms_norm_eps': 1e-5,
    'rope_theta': 10000.0,
    'tie_word_embeddings': True,
    'hidden_act': 'silu',
    'torch_dtype': 'float32',
    'bos_token_id': None,
    'eos_token_id': None,
}


def random_weights(cfg, gen, scale):
    d, f, v = cfg['hidden_size'], cfg['intermediate_size'], cfg['vocab_size']
    hd = d // cfg['num_attention_heads']
    kv = cfg['num_key_value_heads'] * hd

    def lin(out, inp):  # nn.Linear weight: [out_features, in_features]
        return (torch.randn(out, inp, generator=gen) * scale / inp ** 0.5).float()

    def norm():
        return (1 + 0.1 * torch.randn(d, generator=gen)).float()

    w = {'model.embed_tokens.weight': (torch.randn(v, d, generator=gen) * 0.5).float()}
    for i in range(cfg['num_hidden_layers']):
        p = f'model.layers.{i}.'
        w[p + 'input_layernorm.weight'] = norm()
        w[p + 'self_attn.q_proj.weight'] = lin(d, d)
        w[p + 'self_attn.k_proj.weight'] = lin(kv, d)
        w[p + 'self_attn.v_proj.weight'] = lin(kv, d)
        w[p + 'self_attn.o_proj.weight'] = lin(d, d)
        w[p + 'post_attention_layernorm.weight'] = norm()
        w[p + 'mlp.gate_proj.weight'] = lin(f, d)
        w[p + 'mlp.up_proj.weight'] = lin(f, d)
        w[p + 'mlp.down_proj.weight'] = lin(d, f)
    w['model.norm.weight'] = norm()
    return w


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):
    b, h, t, hd = x.shape
    return x[:, :, None, :, :].expand(b, h, n_rep, t, hd).reshape(b, h * n_rep, t, hd)


def llama_logits(cfg, w, ids):
    """ids: LongTensor [B, T] -> logits [B, T, vocab]. Right padding needs no attention mask (causal)."""
    d = cfg['hidden_size']
    nh, nkv = cfg['num_attention_heads'], cfg['num_key_value_heads']
    hd = d // nh
    eps = cfg['rms_norm_eps']
    b, t = ids.shape
    x = w['model.embed_tokens.weight'][ids]
    inv_freq = 1.0 / (cfg['rope_theta'] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.full((t, t), float('-inf'), dtype=torch.float64).triu(1)
    for i in range(cfg['num_hidden_layers']):
        p = f'model.layers.{i}.'
        h = rms_norm(x, w[p + 'input_layernorm.weight'], eps)
        q = (h @ w[p + 'self_attn.q_proj.weight'].T).view(b, t, nh, hd).transpose(1, 2)
        k = (h @ w[p + 'self_attn.k_proj.weight'].T).view(b, t, nkv, hd).transpose(1, 2)
        v = (h @ w[p + 'self_attn.v_proj.weight'].T).view(b, t, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, nh // nkv), repeat_kv(v, nh // nkv)
        att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + causal, dim=-1)
        o = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + o @ w[p + 'self_attn.o_proj.weight'].T
        h = rms_norm(x, w[p + 'post_attention_layernorm.weight'], eps)
        gate = h @ w[p + 'mlp.gate_proj.weight'].T
        up = h @ w[p + 'mlp.up_proj.weight'].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + 'mlp.down_proj.weight'].T
    x = rms_norm(x, w['model.norm.weight'], eps)
    head = w['model.embed_tokens.weight'] if cfg['tie_word_embeddings'] else w['lm_head.weight']
    return x @ head.T


# ---------------------------------------------------------------- objectives (TRL's definitions)


def pad_batch(sequences, pad):
    t = max(len(s) for s in sequences)
    return torch.tensor([s + [pad] * (t - len(s)) for s in sequences])


def completion_logps(cfg, w, prompts, completions, pad):
    """Per sequence: sum of log p(token) over completion tokens, token count, the logits at those positions, NLL sum."""
    seqs = [p + c for p, c in zip(prompts, completions)]
    ids = pad_batch(seqs, pad)
    logits = llama_logits(cfg, w, ids)
    logp = torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:, None])[..., 0]
    mask = torch.zeros_like(logp)
    for row, (p, c) in enumerate(zip(prompts, completions)):
        mask[row, len(p) - 1:len(p) - 1 + len(c)] = 1  # position t predicts token t + 1
    sums = (logp * mask).sum(-1)
    counts = mask.sum(-1)
    picked = logits[:, :-1][mask.bool()]
    return sums, counts, picked


def dpo(pol_c, pol_r, ref_c, ref_r, beta, loss_type, label_smoothing=0.0):
    logits = (pol_c - pol_r) - (ref_c - ref_r)
    ls = label_smoothing
    if loss_type == 'sigmoid':
        losses = -torch.nn.functional.logsigmoid(beta * logits) * (1 - ls) - torch.nn.functional.logsigmoid(-beta * logits) * ls
    elif loss_type == 'robust':
        losses = (-torch.nn.functional.logsigmoid(beta * logits) * (1 - ls) + torch.nn.functional.logsigmoid(-beta * logits) * ls) / (1 - 2 * ls)
    elif loss_type == 'hinge':
        losses = torch.relu(1 - beta * logits)
    elif loss_type == 'ipo':
        losses = (logits - 1 / (2 * beta)) ** 2
    else:
        raise ValueError(loss_type)
    return losses, beta * (pol_c - ref_c), beta * (pol_r - ref_r)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1234)

    merges = train_bpe(CORPUS, MERGES)
    vocab = {}
    for b in range(256):
        vocab[BYTE_CHARS[b]] = len(vocab)
    for left, right in merges:
        if left + right not in vocab:  # two merges can spell the same token: one id
            vocab[left + right] = len(vocab)
    eos_id = len(vocab)
    ranks = {m: i for i, m in enumerate(merges)}
    tokenizer = {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [{'id': eos_id, 'content': EOS, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
                  'fuse_unk': False, 'byte_fallback': False, 'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }
    with open(os.path.join(OUT, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
        f.write('\n')

    cfg = dict(CONFIG, vocab_size=eos_id + 1, bos_token_id=eos_id, eos_token_id=eos_id)
    with open(os.path.join(OUT, 'config.json'), 'w') as f:
        json.dump(cfg, f, indent=2)
        f.write('\n')

    weights = random_weights(cfg, gen, scale=1.5)
    write_safetensors(os.path.join(OUT, 'model.safetensors'), weights)
    # The reference policy: the same model with its weights moved a little (so that the log-ratios are not 0).
    reference = {k: (v.double() + 0.05 * torch.randn(v.shape, generator=gen, dtype=torch.float64)) for k, v in weights.items()}

    w64 = {k: v.double().requires_grad_(True) for k, v in weights.items()}
    v = cfg['vocab_size']
    logits_ids = torch.randint(0, v, (2, 9), generator=gen)
    logits = llama_logits(cfg, w64, logits_ids)

    def rand_ids(n):
        return torch.randint(0, eos_id, (n,), generator=gen).tolist()

    # Multi-length prompts and completions (right padding inside the batch).
    prompts = [rand_ids(4), rand_ids(6), rand_ids(3)]
    chosen = [rand_ids(3), rand_ids(5), rand_ids(2)]
    rejected = [rand_ids(5), rand_ids(2), rand_ids(4)]
    pad = eos_id

    with torch.no_grad():
        ref_c, ref_c_n, _ = completion_logps(cfg, reference, prompts, chosen, pad)
        ref_r, ref_r_n, _ = completion_logps(cfg, reference, prompts, rejected, pad)

    beta = 0.1
    cases = [
        {'name': 'sigmoid', 'loss_type': 'sigmoid', 'beta': beta, 'label_smoothing': 0.0, 'rpo_alpha': None},
        {'name': 'sigmoid-smoothed', 'loss_type': 'sigmoid', 'beta': beta, 'label_smoothing': 0.2, 'rpo_alpha': None},
        {'name': 'robust', 'loss_type': 'robust', 'beta': beta, 'label_smoothing': 0.1, 'rpo_alpha': None},
        {'name': 'hinge', 'loss_type': 'hinge', 'beta': 0.5, 'label_smoothing': 0.0, 'rpo_alpha': None},
        {'name': 'ipo', 'loss_type': 'ipo', 'beta': beta, 'label_smoothing': 0.0, 'rpo_alpha': None},
        {'name': 'sigmoid-rpo', 'loss_type': 'sigmoid', 'beta': beta, 'label_smoothing': 0.0, 'rpo_alpha': 0.5},
    ]
    expected_cases = []
    grads = {}
    for case in cases:
        pc, pc_n, logits_c = completion_logps(cfg, w64, prompts, chosen, pad)
        pr, pr_n, logits_r = completion_logps(cfg, w64, prompts, rejected, pad)
        rc, rr = ref_c, ref_r
        if case['loss_type'] == 'ipo':
            pc, pr, rc, rr = pc / pc_n, pr / pr_n, rc / ref_c_n, rr / ref_r_n
        pc.retain_grad()
        pr.retain_grad()
        losses, rew_c, rew_r = dpo(pc, pr, rc, rr, case['beta'], case['loss_type'], case['label_smoothing'])
        loss = losses.mean()
        if case['rpo_alpha'] is not None:
            # token-mean NLL over the chosen completions (TRL's nll_loss), weighted by rpo_alpha
            loss = loss + case['rpo_alpha'] * (-pc.sum() / pc_n.sum())
        for t in w64.values():
            t.grad = None
        loss.backward()
        if case['name'] == 'sigmoid':
            for k, t in w64.items():
                grads[f'dpo.sigmoid/{k}'] = t.grad.clone()
        expected_cases.append(dict(case, metrics={
            'loss': loss.item(),
            'rewards/chosen': rew_c.mean().item(),
            'rewards/rejected': rew_r.mean().item(),
            'rewards/accuracies': (rew_c > rew_r).double().mean().item(),
            'rewards/margins': (rew_c - rew_r).mean().item(),
            'logps/chosen': pc.mean().item(),
            'logps/rejected': pr.mean().item(),
            'logits/chosen': logits_c.mean().item(),
            'logits/rejected': logits_r.mean().item(),
        }, grad_policy_chosen_logps=pc.grad.tolist(), grad_policy_rejected_logps=pr.grad.tolist()))

    # SFT: token-mean next-token loss over the chosen completions.
    for t in w64.values():
        t.grad = None
    pc, pc_n, _ = completion_logps(cfg, w64, prompts, chosen, pad)
    sft = -pc.sum() / pc_n.sum()
    sft.backward()
    for k, t in w64.items():
        grads[f'sft/{k}'] = t.grad.clone()

    tensors = {'logits': logits.detach()}
    tensors.update(grads)
    write_safetensors(os.path.join(OUT, 'expected.safetensors'), tensors)
    expected = {
        'generated_by': 'tools/ml/make-fixtures.py',
        'torch': torch.__version__,
        'tokenizer': {'corpus': CORPUS, 'merges': MERGES, 'encoded': [{'text': s, 'ids': bpe_encode(s, vocab, ranks)} for s in ENCODED]},
        'logits_ids': logits_ids.tolist(),
        'dpo': {
            'pad': pad,
            'prompts': prompts,
            'chosen': chosen,
            'rejected': rejected,
            'reference_chosen_logps': ref_c.tolist(),
            'reference_rejected_logps': ref_r.tolist(),
            'cases': expected_cases,
        },
        'sft': {'loss': sft.item()},
    }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f'wrote {OUT} ({total // 1024} KB)')


if __name__ == '__main__':
    main()
