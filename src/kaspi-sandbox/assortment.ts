/**
 * What each demo store sells: kinds of product a real Kaspi shop of that name would carry, each with model lines
 * priced as they are in Kazakhstan (₸) and variants (memory, colour, pack) that tell two offers of one line apart.
 */

/** A model line and what it costs, from the cheapest seller to the dearest. */
type Line = readonly [name: string, minPrice: number, maxPrice: number];

interface ProductKind {
  kind: string;
  brand: string;
  category: string;
  /** Latin, for the storefront link. */
  slug: string;
  lines: readonly Line[];
  variants: readonly string[];
}

const cross = (left: readonly string[], right: readonly string[]): string[] =>
  left.flatMap((a) => right.map((b) => `${a} ${b}`));

const ELECTRONICS: readonly ProductKind[] = [
  {
    kind: 'Смартфон',
    brand: 'Samsung',
    category: 'Master - Smartphones',
    slug: 'smartfon-samsung',
    lines: [
      ['Galaxy A15', 62_000, 82_000],
      ['Galaxy A35', 118_000, 152_000],
      ['Galaxy A55', 168_000, 212_000],
      ['Galaxy S24', 330_000, 420_000],
      ['Galaxy S24 Ultra', 520_000, 650_000],
    ],
    variants: cross(['8/128 ГБ', '8/256 ГБ', '12/256 ГБ', '12/512 ГБ'], ['черный', 'синий', 'серый', 'фиолетовый']),
  },
  {
    kind: 'Наушники',
    brand: 'Sony',
    category: 'Master - Headphones',
    slug: 'naushniki-sony',
    lines: [
      ['WH-CH520', 17_000, 25_000],
      ['WF-C700N', 34_000, 45_000],
      ['WH-CH720N', 44_000, 60_000],
      ['WF-1000XM5', 118_000, 150_000],
      ['WH-1000XM5', 148_000, 190_000],
      ['WF-C510', 24_000, 32_000],
      ['ULT Wear', 78_000, 98_000],
      ['WH-1000XM4', 118_000, 145_000],
    ],
    variants: ['черный', 'белый', 'синий', 'бежевый', 'розовый', 'серебристый', 'зеленый', 'лавандовый'],
  },
  {
    kind: 'Ноутбук',
    brand: 'Lenovo',
    category: 'Master - Notebooks',
    slug: 'noutbuk-lenovo',
    lines: [
      ['IdeaPad 1 15"', 165_000, 220_000],
      ['IdeaPad Slim 3 15"', 245_000, 320_000],
      ['IdeaPad Slim 5 14"', 345_000, 430_000],
      ['ThinkPad E14', 415_000, 520_000],
      ['Legion 5 16"', 600_000, 790_000],
    ],
    variants: cross(['8/256 ГБ', '8/512 ГБ', '16/512 ГБ', '16/1024 ГБ'], ['серый', 'синий', 'черный']),
  },
  {
    kind: 'Телевизор',
    brand: 'LG',
    category: 'Master - TVs',
    slug: 'televizor-lg',
    lines: [
      ['32LQ6300 32"', 88_000, 112_000],
      ['43UR7800 43"', 150_000, 190_000],
      ['50UR7800 50"', 190_000, 240_000],
      ['55QNED80 55"', 330_000, 410_000],
      ['OLED65C3 65"', 780_000, 950_000],
      ['43LM5772 43"', 120_000, 150_000],
      ['65UR7800 65"', 330_000, 400_000],
      ['55NANO80 55"', 290_000, 350_000],
    ],
    variants: ['2023', '2024', 'черный', 'серебристый', 'с Magic Remote', 'webOS 23', 'webOS 24', 'HDR10'],
  },
  {
    kind: 'Смарт-часы',
    brand: 'Xiaomi',
    category: 'Master - Smart watches',
    slug: 'smart-chasy-xiaomi',
    lines: [
      ['Smart Band 8', 14_000, 19_000],
      ['Smart Band 8 Pro', 24_000, 31_000],
      ['Redmi Watch 4', 34_000, 44_000],
      ['Watch 2', 68_000, 85_000],
      ['Watch S3', 75_000, 95_000],
      ['Redmi Watch 3 Active', 17_000, 23_000],
      ['Smart Band 9', 19_000, 25_000],
      ['Watch 2 Pro', 95_000, 99_000],
    ],
    variants: ['черный', 'серебристый', 'золотистый', 'розовый', 'синий', 'зеленый', 'серый', 'бежевый'],
  },
  {
    kind: 'Фен',
    brand: 'Philips',
    category: 'Master - Hair dryers',
    slug: 'fen-philips',
    lines: [
      ['BHD308', 9_000, 13_000],
      ['BHD341', 13_000, 17_000],
      ['BHD538', 19_000, 26_000],
      ['BHD827', 29_000, 38_000],
      ['DryCare Prestige', 40_000, 55_000],
      ['BHD302', 8_000, 11_000],
      ['BHD360', 15_000, 19_000],
      ['BHD628', 24_000, 30_000],
    ],
    variants: ['1600 Вт', '1800 Вт', '2100 Вт', '2200 Вт', '2300 Вт', 'с диффузором', 'с концентратором', 'дорожный'],
  },
];

const HOME: readonly ProductKind[] = [
  {
    kind: 'Пылесос',
    brand: 'Dyson',
    category: 'Master - Vacuum cleaners',
    slug: 'pylesos-dyson',
    lines: [
      ['V8 Absolute', 185_000, 230_000],
      ['V11 Advanced', 255_000, 320_000],
      ['V12 Detect Slim', 325_000, 400_000],
      ['V15 Detect Absolute', 395_000, 480_000],
      ['Gen5 Detect', 470_000, 560_000],
      ['V10 Extra', 220_000, 270_000],
      ['V12 Origin', 290_000, 350_000],
      ['V15s Detect Submarine', 480_000, 590_000],
    ],
    variants: ['серый', 'синий', 'никель', 'медный', 'фиолетовый', 'желтый', 'золотистый', 'красный'],
  },
  {
    kind: 'Чайник',
    brand: 'Tefal',
    category: 'Master - Kettles',
    slug: 'chaynik-tefal',
    lines: [
      ['Delfini KO1201', 8_000, 11_000],
      ['Express KO2998', 10_500, 14_000],
      ['Includeo KI5338', 15_000, 19_000],
      ['Loft KO2508', 20_000, 26_000],
      ['Sense KO6931', 24_000, 30_000],
    ],
    variants: cross(['1,5 л', '1,7 л'], ['белый', 'черный', 'серый', 'красный', 'бежевый', 'голубой']),
  },
  {
    kind: 'Влажные салфетки',
    brand: 'Sunlight',
    category: 'Master - Wet wipes',
    slug: 'vlazhnye-salfetki-sunlight',
    lines: [
      ['для рук', 290, 520],
      ['антибактериальные', 350, 690],
      ['детские', 450, 990],
      ['для снятия макияжа', 590, 1_190],
      ['с алоэ вера', 690, 1_490],
      ['универсальные', 320, 790],
    ],
    variants: [
      '15 шт',
      '20 шт',
      '50 шт',
      '72 шт',
      '100 шт',
      '120 шт',
      '2 × 72 шт',
      '3 × 100 шт',
      '2 × 120 шт',
      '5 × 15 шт',
    ],
  },
  {
    kind: 'Кофемашина',
    brand: 'DeLonghi',
    category: 'Master - Coffee machines',
    slug: 'kofemashina-delonghi',
    lines: [
      ['Dedica EC685', 75_000, 96_000],
      ['Magnifica S ECAM22.110', 168_000, 212_000],
      ['Magnifica Evo ECAM290', 228_000, 285_000],
      ['Dinamica ECAM350', 300_000, 380_000],
      ['Eletta Explore ECAM450', 520_000, 650_000],
      ['Rivelia EXAM440', 420_000, 520_000],
      ['Stilosa EC230', 60_000, 78_000],
    ],
    variants: ['черный', 'серебристый', 'белый', 'титан', 'красный', 'бежевый', 'серый', 'синий'],
  },
  {
    kind: 'Сковорода',
    brand: 'Tefal',
    category: 'Master - Frying pans',
    slug: 'skovoroda-tefal',
    lines: [
      ['Simply Clean', 6_000, 9_000],
      ['Day by Day', 8_500, 12_000],
      ['Unlimited', 15_500, 22_000],
      ['Ingenio Emotion', 19_000, 27_000],
      ['Jamie Oliver', 24_000, 32_000],
      ['Cook Right', 7_000, 10_000],
      ['Excellence', 17_000, 24_000],
      ['Titanium Pro', 22_000, 30_000],
    ],
    variants: ['20 см', '22 см', '24 см', '26 см', '28 см', '30 см', '24 см с крышкой', '28 см с крышкой'],
  },
  {
    kind: 'Утюг',
    brand: 'Philips',
    category: 'Master - Irons',
    slug: 'utyug-philips',
    lines: [
      ['EasySpeed GC1751', 9_000, 12_000],
      ['PowerLife GC2998', 13_000, 17_000],
      ['Azur DST7030', 24_000, 31_000],
      ['Azur Elite DST8041', 38_000, 48_000],
      ['PerfectCare PSG3000', 75_000, 95_000],
      ['3000 Series DST3041', 17_000, 22_000],
    ],
    variants: ['2000 Вт', '2200 Вт', '2400 Вт', '2600 Вт', '2800 Вт', '3000 Вт', 'синий', 'фиолетовый'],
  },
];

/** By merchant UID; a store not listed here sells the electronics. */
const ASSORTMENTS: Record<string, readonly ProductKind[]> = { '30067228': ELECTRONICS, '30463421': HOME };

export interface DemoProduct {
  masterTitle: string;
  model: string;
  brand: string;
  category: string;
  price: number;
  slug: string;
}

/**
 * One demo product from four uniform draws in [0, 1) (the kind, the price within its line's range, the line, the
 * variant); `taken` holds the store's model names so far, so a store lists a model once while it has any
 * other left.
 */
export function demoProduct(
  merchantUid: string,
  draws: { kind: number; price: number; line: number; variant: number },
  taken: Set<string>,
): DemoProduct {
  const kinds = ASSORTMENTS[merchantUid] ?? ELECTRONICS;
  const firstKind = Math.floor(draws.kind * kinds.length);
  let chosen: { kind: ProductKind; line: Line; model: string } | undefined;
  // A taken model moves on to the line's next variant, then the kind's next line, then the next kind.
  search: for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[(firstKind + k) % kinds.length]!;
    const firstLine = Math.floor(draws.line * kind.lines.length);
    const firstVariant = Math.floor(draws.variant * kind.variants.length);
    for (let l = 0; l < kind.lines.length; l++) {
      const line = kind.lines[(firstLine + l) % kind.lines.length]!;
      for (let v = 0; v < kind.variants.length; v++) {
        const model = `${kind.kind} ${kind.brand} ${line[0]} ${kind.variants[(firstVariant + v) % kind.variants.length]!}`;
        chosen ??= { kind, line, model };
        if (!taken.has(model)) {
          chosen = { kind, line, model };
          break search;
        }
      }
    }
  }
  const { kind, line, model } = chosen!;
  const [name, min, max] = line;
  taken.add(model);
  return {
    masterTitle: `${kind.kind} ${kind.brand} ${name}`,
    model,
    brand: kind.brand,
    category: kind.category,
    price: Math.max(10, Math.round((min + draws.price * (max - min)) / 10) * 10),
    slug: kind.slug,
  };
}
