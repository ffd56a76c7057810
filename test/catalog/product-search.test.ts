import { describe, expect, it } from 'vitest';

import { foldText, rankProducts } from '../../src/catalog/product-search.js';
import { pickLabels, PICK_ROW_BUDGET } from '../../src/bot/flows/product-lookup.js';

const products = [
  { id: 1, sku: 'TEF-X98-W', masterSku: '111', title: 'Электрочайник Tefal X98 белый', brand: 'Tefal' },
  { id: 2, sku: 'TEF-X98-B', masterSku: '112', title: 'Электрочайник Tefal X98 чёрный', brand: 'Tefal' },
  { id: 3, sku: 'X98', masterSku: '113', title: 'Фен Rowenta Zen', brand: 'Rowenta' },
  { id: 4, sku: 'TEF-1', masterSku: '114', title: 'Чайник Tefal', brand: 'Tefal' },
];
const ids = (query: string) => rankProducts(products, query).ranked.map(({ id }) => id);

describe('finding a product by what a seller types', () => {
  it('folds case, «ё» and Cyrillic look-alikes of Latin letters, and punctuation', () => {
    expect(foldText('ЧЁРНЫЙ Tefal-Х98')).toBe(foldText('черный tefal x98'));
    expect(foldText('ТЕFAL')).toBe('tefal');
  });

  it('puts the exact SKU first and takes it as meant, whatever else matches', () => {
    expect(ids('x98')[0]).toBe(3);
    expect(rankProducts(products, 'x98').exact).toBe(true);
    expect(rankProducts(products, 'tef-x98-w')).toMatchObject({ exact: true, ranked: [{ id: 1 }] });
  });

  it('finds words in any order, any case, in the title, brand or SKU; several are not taken as meant', () => {
    expect(ids('х98 ТЕФАЛ')).toEqual([]); // a transliterated brand is not the brand
    expect(ids('черный x98')).toEqual([2]);
    expect(ids('ТЕFAL х98')).toEqual([1, 2]);
    expect(rankProducts(products, 'tefal x98').exact).toBe(false);
    expect(ids('rowenta')).toEqual([3]);
  });

  it('ranks the full title, then titles starting so, then titles whose words start with the words', () => {
    expect(ids('чайник tefal')).toEqual([4, 1, 2]);
    expect(rankProducts(products, 'Чайник Tefal').exact).toBe(true);
    expect(ids('чай')).toEqual([4, 1, 2]);
    expect(ids('113')).toEqual([3]);
    expect(ids('   ')).toEqual([]);
  });

  it('pick rows fit a phone and never read the same', () => {
    const labels = pickLabels([
      { title: 'Влажные полотенца Sunlight Max16 большие', price: 332_050, sku: 'A1' },
      { title: 'Влажные полотенца Sunlight Max18 большие', price: 332_050, sku: 'A2' },
      { title: 'Влажные полотенца Sunlight Max16 большие', price: 332_050, sku: 'A3' },
      { title: 'Фен', price: 9_990, sku: 'B' },
    ]);
    for (const label of labels) expect(label.length).toBeLessThanOrEqual(PICK_ROW_BUDGET);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[3]).toBe('Фен · 9\u202f990\u00a0₸');
  });
});
