import KitchenSQL
